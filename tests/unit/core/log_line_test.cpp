// The JSON log line both worlds write: its shape, escaping, secrets, and the request scope.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cstdint>
#include <limits>

#include "core/log/log_line.hpp"

namespace qm::log {
namespace {

boost::json::object parse_line(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line per record";
  return boost::json::parse(line).as_object();
}

TEST(log_line, formats_rfc3339_with_milliseconds) {
  EXPECT_EQ(format_rfc3339_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(1'234'567), "1970-01-01T00:00:01.234Z");
  EXPECT_EQ(format_rfc3339_ms(1'700'000'000'999'999), "2023-11-14T22:13:20.999Z");
  EXPECT_EQ(format_rfc3339_ms(-1'000), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339_ms(951'782'400'000'000), "2000-02-29T00:00:00.000Z");  // leap day
  EXPECT_EQ(format_rfc3339_ms(4'102'444'799'000'000), "2099-12-31T23:59:59.000Z");
}

TEST(log_line, writes_one_object_with_the_fixed_keys_first) {
  std::string out;
  append_line(out, 1'000, level::warn, "auth", "user \"logged\" in\n", nullptr,
              {{"user", "bob"}, field::number("attempt", 3), field::decimal("duration_ms", 1.23456)});
  EXPECT_TRUE(out.starts_with("{\"ts\":\"1970-01-01T00:00:00.001Z\",\"level\":\"warn\",\"service\":\"auth\",\"msg\":"))
      << out;
  const auto doc = parse_line(out);
  EXPECT_EQ(doc.at("msg").as_string(), "user \"logged\" in\n");
  EXPECT_EQ(doc.at("user").as_string(), "bob");
  EXPECT_EQ(doc.at("attempt").as_int64(), 3);
  EXPECT_DOUBLE_EQ(doc.at("duration_ms").as_double(), 1.235);
}

TEST(log_line, never_writes_a_secret) {
  std::string out;
  append_line(out, 0, level::info, "auth", "login", nullptr,
              {{"password", "hunter2"}, {"access_token", "tok-abc"}, {"TOKEN_SECRET", "s3cr3t"},
               {"Authorization", "Bearer xyz"}, {"refresh_token", "r-1"}, {"Cookie", "c=1"},
               {"db_credentials", "pw"}, field::number("api_key", 12345)});
  for (const char* secret : {"hunter2", "tok-abc", "s3cr3t", "xyz", "r-1", "c=1", "\"pw\"", "12345"}) {
    EXPECT_EQ(out.find(secret), std::string::npos) << secret << " leaked: " << out;
  }
  EXPECT_EQ(parse_line(out).at("password").as_string(), "[redacted]");
}

TEST(log_line, replaces_invalid_utf8_and_escapes_control_characters) {
  std::string out;
  append_line(out, 0, level::info, "x", "caf\xc3\xa9 \xff \x01", nullptr, {});
  EXPECT_EQ(parse_line(out).at("msg").as_string(), "caf\xc3\xa9 ? \x01");
}

TEST(log_line, carries_the_request_scope_and_never_repeats_a_key) {
  observe::request_scope scope;
  scope.request_id = "req-9";
  scope.span = observe::open_span(observe::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                                  0x42, 0, 0);
  scope.method = "POST";
  scope.route = "/orders/checkout";
  scope.user_id = 17;
  std::string out;
  // An event field that names a scope key or a fixed key is dropped, not written twice.
  append_line(out, 0, level::info, "order", "request", &scope,
              {field::number("status", 201), {"route", "/orders/123"}, {"msg", "again"}, {"service", "evil"}});
  const auto doc = parse_line(out);
  EXPECT_EQ(doc.size(), 12u) << out;
  EXPECT_EQ(doc.at("request_id").as_string(), "req-9");
  EXPECT_EQ(doc.at("trace_id").as_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(doc.at("span_id").as_string(), "0000000000000042");
  EXPECT_EQ(doc.at("parent_span_id").as_string(), "00f067aa0ba902b7");
  EXPECT_EQ(doc.at("method").as_string(), "POST");
  EXPECT_EQ(doc.at("route").as_string(), "/orders/checkout");
  EXPECT_EQ(doc.at("user_id").as_int64(), 17);
  EXPECT_EQ(doc.at("status").as_int64(), 201);
  EXPECT_EQ(doc.at("msg").as_string(), "request");
  EXPECT_EQ(doc.at("service").as_string(), "order");
}

TEST(log_line, a_root_span_has_no_parent_and_an_anonymous_caller_no_user) {
  observe::request_scope scope;
  scope.span = observe::open_span(std::nullopt, 1, 2, 3);
  std::string out;
  append_line(out, 0, level::debug, "gateway", "x", &scope, {});
  const auto doc = parse_line(out);
  EXPECT_FALSE(doc.contains("parent_span_id"));
  EXPECT_FALSE(doc.contains("user_id"));
  EXPECT_FALSE(doc.contains("request_id"));
  EXPECT_EQ(doc.at("level").as_string(), "debug");
}

TEST(log_line, a_non_finite_decimal_stays_valid_json) {
  std::string out;
  append_line(out, 0, level::info, "x", "y", nullptr, {field::decimal("ratio", 1.0 / 0.0)});
  EXPECT_EQ(parse_line(out).at("ratio").as_string(), "non-finite");
}

TEST(log_line, a_fixed_point_field_writes_what_decimal_writes) {
  EXPECT_EQ(field::fixed("d", 12'000, 3).value, "12.000");
  EXPECT_EQ(field::fixed("d", 5, 3).value, "0.005");
  EXPECT_EQ(field::fixed("d", -1'234, 3).value, "-1.234");
  EXPECT_EQ(field::fixed("d", 7, 0).value, "7");
  EXPECT_EQ(field::fixed("d", std::numeric_limits<std::int64_t>::min(), 3).value, "-9223372036854775.808");
  EXPECT_TRUE(field::fixed("d", 1, 3).is_number);
  // The access log's duration_ms: microseconds written as milliseconds, byte for byte what
  // decimal() wrote for the same count converted through seconds.
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (std::int64_t i = -2'000; i < 200'000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const std::int64_t us = i < 100'000 ? i : static_cast<std::int64_t>(x % 1'000'000'000'000);
    const double seconds = static_cast<double>(us) / 1e6;
    ASSERT_EQ(field::fixed("d", us, 3).value, field::decimal("d", seconds * 1e3).value) << us;
  }
  for (std::int64_t units : {0, 1, 9, 10, 999'999, 1'000'000, 123'456'789}) {
    ASSERT_EQ(field::fixed("d", units, 6).value, field::decimal("d", static_cast<double>(units) / 1e6, 6).value);
  }
}

}  // namespace
}  // namespace qm::log
