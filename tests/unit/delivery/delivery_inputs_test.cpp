// Request bodies and settings of the delivery service: what is accepted, and the field a
// refusal names.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "services/delivery/domain/inputs.hpp"
#include "services/delivery/domain/settings.hpp"
#include "services/delivery/domain/status.hpp"

namespace qm::delivery {
namespace {

class fixed_settings final : public rt::settings {
 public:
  std::string get(std::string_view key) const override {
    auto it = values.find(std::string(key));
    return it == values.end() ? std::string() : it->second;
  }
  std::map<std::string, std::string> values;
};

TEST(delivery_inputs, a_profile_needs_a_name_and_a_position) {
  auto ok = parse_profile(R"({"name":"Ravi","lat":12.97,"lon":77})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->name, "Ravi");
  EXPECT_DOUBLE_EQ(ok->at.lat, 12.97);
  EXPECT_DOUBLE_EQ(ok->at.lon, 77.0);

  EXPECT_EQ(parse_profile(R"({"lat":1,"lon":2})").error().field, "name");
  EXPECT_EQ(parse_profile(R"({"name":"A","lat":91,"lon":2})").error().field, "lat");
  EXPECT_EQ(parse_profile(R"({"name":"A","lat":1,"lon":-180.5})").error().field, "lon");
  EXPECT_EQ(parse_profile(R"({"name":"A","lat":"1","lon":2})").error().field, "lat");
  EXPECT_EQ(parse_profile(R"({"name":"A","lat":1,"lon":2,"x":1})").error().field, "x");
  EXPECT_EQ(parse_profile("not json").error().field, "");
}

TEST(delivery_inputs, availability_is_available_or_offline_only) {
  EXPECT_EQ(*parse_availability(R"({"status":"available"})"), partner_status::available);
  EXPECT_EQ(*parse_availability(R"({"status":"offline"})"), partner_status::offline);
  EXPECT_EQ(parse_availability(R"({"status":"busy"})").error().field, "status");
  EXPECT_EQ(parse_availability(R"({"status":"asleep"})").error().field, "status");
}

TEST(delivery_inputs, a_new_assignment_names_its_nested_fields) {
  auto ok = parse_new_assignment(R"({"order_id":5,"user_id":7,"location":{"lat":1.5,"lon":2}})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->order_id, 5);
  EXPECT_EQ(ok->user_id, 7);
  EXPECT_EQ(ok->destination, (geo_point{1.5, 2}));
  EXPECT_EQ(parse_new_assignment(R"({"order_id":0,"user_id":7,"location":{"lat":1,"lon":2}})")
                .error()
                .field,
            "order_id");
  EXPECT_EQ(parse_new_assignment(R"({"order_id":1,"user_id":7})").error().field, "location");
  EXPECT_EQ(parse_new_assignment(R"({"order_id":1,"user_id":7,"location":{"lat":1}})")
                .error()
                .field,
            "location.lon");
  EXPECT_EQ(parse_new_assignment(R"({"order_id":9007199254740992,"user_id":7,"location":{"lat":1,"lon":2}})")
                .error()
                .field,
            "order_id");
}

TEST(delivery_inputs, paging_and_ids_are_bounded) {
  EXPECT_EQ(parse_page("").value().limit, default_limit);
  EXPECT_EQ(parse_page("limit=100&offset=3").value().offset, 3);
  EXPECT_EQ(parse_page("limit=101").error().field, "limit");
  EXPECT_EQ(parse_page("offset=-1").error().field, "offset");
  EXPECT_EQ(parse_id("42"), 42);
  EXPECT_FALSE(parse_id("0").has_value());
  EXPECT_FALSE(parse_id("4x").has_value());
  EXPECT_FALSE(parse_id("9007199254740992").has_value());
  EXPECT_FALSE(parse_status_filter("status=lost").ok());
  EXPECT_EQ(*parse_status_filter("status=busy").value(), partner_status::busy);
}

TEST(delivery_settings, defaults_and_refusals) {
  fixed_settings config;
  EXPECT_FALSE(read_settings(config).ok());  // no context secret
  config.values["context_secret"] = "a-real-secret-of-enough-length-0123456789";
  auto s = read_settings(config);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s->store, (geo_point{12.9716, 77.5946}));
  EXPECT_DOUBLE_EQ(s->partner_speed_mps, 5);
  EXPECT_EQ(s->upstream_timeout, ms(2000));
  EXPECT_EQ(s->waiting_sweep, ms(2000));

  config.values["store_lat"] = "28.61";
  config.values["partner_speed_mps"] = "7.5";
  s = read_settings(config);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_DOUBLE_EQ(s->store.lat, 28.61);
  EXPECT_DOUBLE_EQ(s->partner_speed_mps, 7.5);

  config.values["store_lon"] = "200";
  EXPECT_NE(read_settings(config).error().find("store_lon"), std::string::npos);
  config.values["store_lon"] = "77.2";
  config.values["partner_speed_mps"] = "0";
  EXPECT_NE(read_settings(config).error().find("partner_speed_mps"), std::string::npos);
  config.values["partner_speed_mps"] = "5";
  config.values["upstream_timeout_ms"] = "0";
  EXPECT_NE(read_settings(config).error().find("upstream_timeout_ms"), std::string::npos);
  config.values["upstream_timeout_ms"] = "100";
  config.values["waiting_sweep_ms"] = "-1";
  EXPECT_NE(read_settings(config).error().find("waiting_sweep_ms"), std::string::npos);
  config.values["waiting_sweep_ms"] = "0";
  EXPECT_EQ(read_settings(config).value().waiting_sweep, ms(0));
}

}  // namespace
}  // namespace qm::delivery
