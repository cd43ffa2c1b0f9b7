// The order service's pure pieces: the status machine's edges, checkout input, reservation ids,
// pricing, outbox messages and the retry schedule.

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <random>
#include <system_error>

#include <boost/json/parse.hpp>

#include "services/order/domain/checkout_input.hpp"
#include "services/order/domain/outbox_messages.hpp"
#include "services/order/domain/requests.hpp"
#include "services/order/domain/status.hpp"

namespace qm::order {
namespace {

TEST(order_status, the_machine_has_exactly_the_contract_edges) {
  using s = order_status;
  EXPECT_TRUE(is_legal(s::confirmed, s::packed));
  EXPECT_TRUE(is_legal(s::packed, s::out_for_delivery));
  EXPECT_FALSE(is_legal(s::confirmed, s::out_for_delivery));
  EXPECT_TRUE(is_legal(s::out_for_delivery, s::delivered));
  EXPECT_TRUE(is_legal(s::confirmed, s::cancelled));
  EXPECT_TRUE(is_legal(s::packed, s::cancelled));
  EXPECT_FALSE(is_legal(s::out_for_delivery, s::cancelled));
  EXPECT_FALSE(is_legal(s::delivered, s::cancelled));
  EXPECT_FALSE(is_legal(s::packed, s::confirmed));
  EXPECT_FALSE(is_legal(s::confirmed, s::delivered));
  EXPECT_FALSE(is_legal(s::cancelled, s::confirmed));
  int edges = 0;
  for (auto from : all_statuses) {
    for (auto to : all_statuses) {
      edges += is_legal(from, to) ? 1 : 0;
    }
  }
  EXPECT_EQ(edges, 5);
  EXPECT_TRUE(is_terminal(s::delivered));
  EXPECT_TRUE(is_terminal(s::cancelled));
  EXPECT_FALSE(is_terminal(s::packed));
}

TEST(order_status, actors) {
  using s = order_status;
  EXPECT_TRUE(may_move(actor::customer, s::confirmed, s::cancelled));
  EXPECT_TRUE(may_move(actor::customer, s::packed, s::cancelled));
  EXPECT_FALSE(may_move(actor::customer, s::confirmed, s::packed));
  EXPECT_FALSE(may_move(actor::customer, s::out_for_delivery, s::delivered));
  EXPECT_TRUE(may_move(actor::delivery, s::packed, s::out_for_delivery));
  EXPECT_TRUE(may_move(actor::delivery, s::out_for_delivery, s::delivered));
  EXPECT_FALSE(may_move(actor::delivery, s::confirmed, s::cancelled));
  EXPECT_FALSE(may_move(actor::delivery, s::confirmed, s::packed));
  EXPECT_TRUE(may_move(actor::admin, s::confirmed, s::packed));
  EXPECT_TRUE(may_move(actor::admin, s::packed, s::cancelled));
  EXPECT_FALSE(may_move(actor::admin, s::delivered, s::cancelled));
  EXPECT_FALSE(may_move(actor::admin, s::packed, s::out_for_delivery));
  EXPECT_FALSE(may_move(actor::admin, s::out_for_delivery, s::delivered));
  EXPECT_EQ(parse_status("out_for_delivery"), s::out_for_delivery);
  EXPECT_EQ(parse_status("shipped"), std::nullopt);
}

TEST(checkout_input, idempotency_key) {
  EXPECT_EQ(*parse_idempotency_key("abc-DEF_123"), "abc-DEF_123");
  EXPECT_FALSE(parse_idempotency_key(std::nullopt).ok());
  EXPECT_FALSE(parse_idempotency_key("").ok());
  EXPECT_FALSE(parse_idempotency_key("has space").ok());
  EXPECT_FALSE(parse_idempotency_key(std::string(65, 'a')).ok());
  EXPECT_TRUE(parse_idempotency_key(std::string(64, 'a')).ok());
  EXPECT_EQ(parse_idempotency_key("a/b").error().field, "Idempotency-Key");
}

TEST(checkout_input, body) {
  auto ok = parse_checkout_body(R"({"address":"12 MG Road","location":{"lat":12.97,"lon":77}})");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->address, "12 MG Road");
  EXPECT_DOUBLE_EQ(ok->location.lat, 12.97);
  EXPECT_DOUBLE_EQ(ok->location.lon, 77.0);
  EXPECT_EQ(parse_checkout_body(R"({"location":{"lat":1,"lon":2}})").error().field, "address");
  EXPECT_EQ(parse_checkout_body(R"({"address":"","location":{"lat":1,"lon":2}})").error().field,
            "address");
  EXPECT_EQ(parse_checkout_body(R"({"address":"x"})").error().field, "location");
  EXPECT_EQ(parse_checkout_body(R"({"address":"x","location":{"lat":91,"lon":2}})").error().field,
            "location.lat");
  EXPECT_EQ(
      parse_checkout_body(R"({"address":"x","location":{"lat":1,"lon":"east"}})").error().field,
      "location.lon");
  EXPECT_EQ(parse_checkout_body(R"({"address":"x","location":{"lat":1,"lon":2},"tip":5})")
                .error()
                .field,
            "tip");
  EXPECT_FALSE(parse_checkout_body(
                   R"({"address":")" + std::string(301, 'a') + R"(","location":{"lat":1,"lon":2}})")
                   .ok());
}

TEST(checkout_input, reservation_ids_are_stable_per_attempt_and_distinct_otherwise) {
  const std::string a = reservation_id_for(7, "key-1", 1);
  EXPECT_EQ(a, reservation_id_for(7, "key-1", 1));
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, reservation_id_for(7, "key-1", 2));
  EXPECT_NE(a, reservation_id_for(8, "key-1", 1));
  EXPECT_NE(a, reservation_id_for(7, "key-2", 1));
  // The separator keeps (1, "1:k") and (11, ":k")-like pairs apart.
  EXPECT_NE(reservation_id_for(1, "1k", 1), reservation_id_for(11, "k", 1));
}

TEST(pricing, fee_under_and_over_199_rupees) {
  const totals small = price({order_line{1, "a", 2, 5'000}});
  EXPECT_EQ(small.subtotal_paise, 10'000);
  EXPECT_EQ(small.delivery_fee_paise, 2'000);
  EXPECT_EQ(small.total_paise, 12'000);
  const totals edge = price({order_line{1, "a", 1, 19'900}});
  EXPECT_EQ(edge.delivery_fee_paise, 0);
  EXPECT_EQ(edge.total_paise, 19'900);
  const totals just_under = price({order_line{1, "a", 1, 9'950}, order_line{2, "b", 1, 9'949}});
  EXPECT_EQ(just_under.subtotal_paise, 19'899);
  EXPECT_EQ(just_under.total_paise, 21'899);
}

TEST(outbox_messages, checkout_and_cancel) {
  order_record o;
  o.id = 55;
  o.user_id = 9;
  o.lines = {order_line{3, "milk", 2, 3'000}};
  o.location = {12.5, 77.25};
  o.reservation_id = "abc";
  auto owed = checkout_messages(o);
  ASSERT_EQ(owed.size(), 3u);
  EXPECT_EQ(owed[0].upstream, "cart");
  EXPECT_EQ(owed[0].target, "/internal/carts/9/checkout");
  auto clear = boost::json::parse(owed[0].body).as_object();
  EXPECT_EQ(clear.at("order_id").as_int64(), 55);
  EXPECT_EQ(clear.at("lines").as_array().at(0).as_object().at("quantity").as_int64(), 2);
  EXPECT_EQ(owed[1].upstream, "delivery");
  EXPECT_EQ(owed[1].target, "/internal/assignments");
  auto assign = boost::json::parse(owed[1].body).as_object();
  EXPECT_EQ(assign.at("user_id").as_int64(), 9);
  EXPECT_DOUBLE_EQ(assign.at("location").as_object().at("lon").as_double(), 77.25);
  EXPECT_EQ(owed[2].upstream, "notification");
  EXPECT_EQ(boost::json::parse(owed[2].body).as_object().at("kind").as_string(), "order_confirmed");
  for (const auto& m : owed) {
    EXPECT_EQ(m.order_id, 55);
  }
  auto cancel = cancel_messages(o);
  ASSERT_EQ(cancel.size(), 3u);
  EXPECT_EQ(cancel[0].target, "/internal/reservations/abc/release");
  EXPECT_EQ(cancel[1].target, "/internal/assignments/55/cancel");
  EXPECT_EQ(boost::json::parse(cancel[2].body).as_object().at("kind").as_string(),
            "order_cancelled");
  EXPECT_FALSE(status_notification(o, order_status::packed).has_value());
  EXPECT_TRUE(status_notification(o, order_status::delivered).has_value());
  EXPECT_EQ(release_message("r1").order_id, std::nullopt);
}

TEST(outbox_messages, retry_delay_doubles_up_to_the_cap) {
  EXPECT_EQ(retry_delay_s(1), 1);
  EXPECT_EQ(retry_delay_s(2), 2);
  EXPECT_EQ(retry_delay_s(3), 4);
  EXPECT_EQ(retry_delay_s(6), 32);
  EXPECT_EQ(retry_delay_s(7), 60);
  EXPECT_EQ(retry_delay_s(1000), 60);
}

TEST(requests, paging_and_filters) {
  EXPECT_EQ(parse_page("").value().limit, 20);
  EXPECT_EQ(parse_page("limit=100&offset=5").value().offset, 5);
  EXPECT_EQ(parse_page("limit=101").error().field, "limit");
  EXPECT_EQ(parse_page("limit=0").error().field, "limit");
  EXPECT_EQ(parse_page("offset=-1").error().field, "offset");
  auto q = parse_admin_query("status=packed&user_id=4");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->status, order_status::packed);
  EXPECT_EQ(q->user_id, 4);
  EXPECT_EQ(parse_admin_query("status=lost").error().field, "status");
  EXPECT_EQ(parse_id("12"), 12);
  EXPECT_EQ(parse_id("0"), std::nullopt);
  EXPECT_EQ(parse_id("x"), std::nullopt);
  EXPECT_EQ(parse_status_body(R"({"status":"delivered","partner_id":3})", true)->partner_id, 3);
  EXPECT_EQ(parse_status_body(R"({"status":"delivered","partner_id":3})", false).error().field,
            "partner_id");
  EXPECT_EQ(parse_status_body(R"({"status":"gone"})", true).error().field, "status");
  EXPECT_EQ(*parse_partner_body(R"({"partner_id":8})"), 8);
  EXPECT_FALSE(parse_partner_body(R"({"partner_id":0})").ok());
}

TEST(checkout_input, the_request_digest_tells_requests_apart_and_ignores_formatting) {
  auto a = parse_checkout_body(R"({"address":"12 MG Road","location":{"lat":12.5,"lon":77.25}})");
  auto same = parse_checkout_body(
      R"({ "location": {"lon": 77.250, "lat": 12.50}, "address": "12 MG Road" })");
  auto moved =
      parse_checkout_body(R"({"address":"12 MG Road","location":{"lat":12.5,"lon":77.26}})");
  auto other =
      parse_checkout_body(R"({"address":"13 MG Road","location":{"lat":12.5,"lon":77.25}})");
  ASSERT_TRUE(a.ok() && same.ok() && moved.ok() && other.ok());
  EXPECT_EQ(request_digest(*a), request_digest(*same));
  EXPECT_NE(request_digest(*a), request_digest(*moved));
  EXPECT_NE(request_digest(*a), request_digest(*other));
  EXPECT_EQ(request_digest(*a).size(), 64U);
}

// Digests are stored with each checkout and compared when its key comes again, so their text
// must not change from one release to the next. Pinned values, coordinates included.
TEST(checkout_input, the_request_digest_is_stable_across_releases) {
  const std::vector<std::pair<checkout_input, std::string>> pinned = {
      {{"12 MG Road", {12.5, 77.25}}, 
       "570ee91d060c27266b10082feeb9742a9408e67adea4ffa4108e81ddf26f0707"},
      {{"Flat 4B, Koramangala", {12.935192, 77.624480}}, 
       "0e3729dbdf99e396d1e89edea5868b70165cc418164ccbc923d521e3d44a403e"},
      {{"x", {-33.8688197, 151.2092955}}, 
       "d5ebe06ff9fba72f834b01a351b82c0da71083dfbc888e8fded112b9f9749de9"},
      {{"0.1 + 0.2", {0.1 + 0.2, -0.0}}, 
       "80d9084df96203258415db21796511c1c0b69b13767e522684dce33697e148e8"},
      {{"tiny", {1e-300, 89.99999999999999}}, 
       "2b25e49c4837e0ea505518ad482936bfcfbeebbaa4e30325eface999d327a05b"},
  };
  for (const auto& [in, digest] : pinned) {
    EXPECT_EQ(request_digest(in), digest) << in.address;
  }
}

// The digest prints coordinates with to_chars(general, 17), which must agree with printf's
// "%.17g" that earlier releases used; checked over doubles of every magnitude.
TEST(checkout_input, coordinates_print_as_printf_did) {
  std::mt19937_64 bits(2026);
  for (int i = 0; i < 200'000; ++i) {
    const double d = std::bit_cast<double>(bits());
    if (!std::isfinite(d)) {
      continue;
    }
    char ours[32];
    const auto written = std::to_chars(ours, ours + sizeof ours, d, std::chars_format::general, 17);
    ASSERT_EQ(written.ec, std::errc());
    char theirs[64];
    std::snprintf(theirs, sizeof theirs, "%.17g", d);
    ASSERT_EQ(std::string(ours, written.ptr), std::string(theirs)) << "bits " << std::bit_cast<std::uint64_t>(d);
  }
}

}  // namespace
}  // namespace qm::order
