// Route-level tests of the internal routes: batch lookup, reservations (idempotency, all or
// nothing, refusals), confirm, release with tombstones, and expiry by the sweep and on
// confirm. Every test ends with the stock invariant checked from product_db.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/product/product_fixture.hpp"

namespace qm::test {
namespace {

class reservation_routes : public ::testing::Test, public product_host {
 protected:
  void SetUp() override {
    ASSERT_TRUE(start({{"reservation_ttl_s", "600"}}));
    add_category(1, "Dairy");
    add_product(1, 1, "Milk", 2'700, true, 10);
    add_product(2, 1, "Paneer", 9'000, true, 3);
    add_product(3, 1, "Curd", 4'000, false, 50);  // inactive
    add_product(4, 1, "Ghee", 60'000);            // no stock row
  }

  void TearDown() override { expect_balanced(); }

  static std::string reserve_body(std::string id,
                                  std::vector<std::pair<std::int64_t, std::int64_t>> lines) {
    json::array items;
    for (const auto& [product_id, quantity] : lines) {
      json::object l;
      l["product_id"] = product_id;
      l["quantity"] = quantity;
      items.push_back(std::move(l));
    }
    json::object o;
    o["reservation_id"] = std::move(id);
    o["lines"] = std::move(items);
    return json::serialize(o);
  }

  http::response reserve(std::string id, std::vector<std::pair<std::int64_t, std::int64_t>> lines) {
    return post("/internal/reservations", reserve_body(std::move(id), std::move(lines)));
  }
  http::response confirm(const std::string& id) {
    return post("/internal/reservations/" + id + "/confirm", "");
  }
  http::response release(const std::string& id) {
    return post("/internal/reservations/" + id + "/release", "");
  }
  std::string status_of(const http::response& r) {
    return std::string(parse(r).at("status").as_string());
  }
};

TEST_F(reservation_routes, a_reservation_takes_every_line_and_prices_it) {
  auto r = reserve("order-1", {{2, 2}, {1, 4}});
  ASSERT_EQ(r.status, 201) << r.body;
  const auto o = parse(r);
  EXPECT_EQ(o.at("reservation_id").as_string(), "order-1");
  EXPECT_EQ(o.at("status").as_string(), "held");
  EXPECT_EQ(o.at("expires_at").as_int64(), to_unix_seconds(product_t0) + 600);
  const auto& lines = o.at("lines").as_array();
  ASSERT_EQ(lines.size(), 2u);
  // Lines come back ordered by product id, with the name and unit price they were reserved at.
  EXPECT_EQ(lines[0].as_object().at("product_id").as_int64(), 1);
  EXPECT_EQ(lines[0].as_object().at("name").as_string(), "Milk");
  EXPECT_EQ(lines[0].as_object().at("quantity").as_int64(), 4);
  EXPECT_EQ(lines[0].as_object().at("price_paise").as_int64(), 2'700);
  EXPECT_EQ(lines[1].as_object().at("product_id").as_int64(), 2);
  EXPECT_EQ(o.at("subtotal_paise").as_int64(), 4 * 2'700 + 2 * 9'000);
  EXPECT_EQ(available(1), 6);
  EXPECT_EQ(available(2), 1);
  auto got = get("/internal/reservations/order-1");
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body, r.body);
}

TEST_F(reservation_routes, the_same_reservation_again_is_answered_from_the_store) {
  ASSERT_EQ(reserve("order-1", {{1, 4}, {2, 1}}).status, 201);
  // Same lines in another order: the stored reservation, nothing taken twice.
  auto again = reserve("order-1", {{2, 1}, {1, 4}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(status_of(again), "held");
  EXPECT_EQ(available(1), 6);
  EXPECT_EQ(available(2), 2);
  // A price change later does not change what was reserved.
  exec("UPDATE products SET price_paise = 1 WHERE id = 1");
  EXPECT_EQ(parse(reserve("order-1", {{1, 4}, {2, 1}})).at("subtotal_paise").as_int64(),
            4 * 2'700 + 9'000);
  // Whatever its status now.
  ASSERT_EQ(confirm("order-1").status, 200);
  auto confirmed = reserve("order-1", {{1, 4}, {2, 1}});
  ASSERT_EQ(confirmed.status, 200);
  EXPECT_EQ(status_of(confirmed), "confirmed");
  ASSERT_EQ(release("order-1").status, 200);
  auto released = reserve("order-1", {{1, 4}, {2, 1}});
  ASSERT_EQ(released.status, 200);
  EXPECT_EQ(status_of(released), "released");
  EXPECT_EQ(available(1), 10);
}

TEST_F(reservation_routes, the_same_id_with_other_lines_is_a_conflict) {
  ASSERT_EQ(reserve("order-1", {{1, 4}}).status, 201);
  for (const auto& lines : std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>>{
           {{1, 5}}, {{1, 4}, {2, 1}}, {{2, 4}}}) {
    auto r = reserve("order-1", lines);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(error_code(r), "reservation_conflict");
  }
  EXPECT_EQ(available(1), 6);
  EXPECT_EQ(available(2), 3);
}

TEST_F(reservation_routes, insufficient_stock_takes_nothing_and_names_the_shortages) {
  auto r = reserve("order-1", {{1, 4}, {2, 5}});
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(error_code(r), "insufficient_stock");
  const auto shortages = parse(r).at("shortages").as_array();
  ASSERT_EQ(shortages.size(), 1u);
  EXPECT_EQ(shortages[0].as_object().at("product_id").as_int64(), 2);
  EXPECT_EQ(shortages[0].as_object().at("requested").as_int64(), 5);
  EXPECT_EQ(shortages[0].as_object().at("available").as_int64(), 3);
  // All or nothing: the line that fitted took nothing either, and no reservation exists.
  EXPECT_EQ(available(1), 10);
  EXPECT_EQ(get("/internal/reservations/order-1").status, 404);
  // The same id may be tried again once stock allows.
  auto smaller = reserve("order-1", {{1, 4}, {2, 3}});
  ASSERT_EQ(smaller.status, 201) << smaller.body;
  EXPECT_EQ(available(2), 0);
  auto none_left = reserve("order-2", {{2, 1}});
  ASSERT_EQ(none_left.status, 409);
  EXPECT_EQ(parse(none_left).at("shortages").as_array()[0].as_object().at("available").as_int64(),
            0);
}

TEST_F(reservation_routes, unknown_inactive_or_stockless_products) {
  auto r = reserve("order-1", {{1, 1}, {3, 1}, {99, 1}});
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(error_code(r), "product_unavailable");
  const auto ids = parse(r).at("product_ids").as_array();
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0].as_int64(), 3);
  EXPECT_EQ(ids[1].as_int64(), 99);
  EXPECT_EQ(available(1), 10);
  // Active without a stock row: nothing to sell.
  auto ghee = reserve("order-2", {{4, 1}});
  ASSERT_EQ(ghee.status, 409);
  EXPECT_EQ(error_code(ghee), "insufficient_stock");
}

TEST_F(reservation_routes, bad_bodies_name_their_field) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"lines":[{"product_id":1,"quantity":1}]})", "reservation_id: "},
      {R"({"reservation_id":"a b","lines":[{"product_id":1,"quantity":1}]})", "reservation_id: "},
      {R"({"reservation_id":")" + std::string(65, 'a') + R"(","lines":[{"product_id":1,"quantity":1}]})",
       "reservation_id: "},
      {R"({"reservation_id":"r","lines":[]})", "lines: "},
      {R"({"reservation_id":"r"})", "lines: "},
      {R"({"reservation_id":"r","lines":[{"product_id":1,"quantity":0}]})", "lines: "},
      {R"({"reservation_id":"r","lines":[{"product_id":1,"quantity":51}]})", "lines: "},
      {R"({"reservation_id":"r","lines":[{"product_id":0,"quantity":1}]})", "lines: "},
      {R"({"reservation_id":"r","lines":[{"product_id":1,"quantity":1},{"product_id":1,"quantity":2}]})",
       "lines: "},
      {R"({"reservation_id":"r","lines":[{"product_id":1,"quantity":1,"x":1}]})", "lines: "},
      {R"({"reservation_id":"r","lines":[1]})", "lines: "},
      {R"({"reservation_id":"r","lines":[{"product_id":1,"quantity":1}],"extra":true})", "extra: "},
  };
  for (const auto& [body, prefix] : cases) {
    auto r = post("/internal/reservations", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(error_code(r), "invalid_parameter") << body;
    EXPECT_EQ(error_message(r).rfind(prefix, 0), 0U) << body << " -> " << r.body;
  }
  json::array many;
  for (std::int64_t id = 1; id <= 101; ++id) {
    json::object l;
    l["product_id"] = id;
    l["quantity"] = 1;
    many.push_back(std::move(l));
  }
  json::object o;
  o["reservation_id"] = "r";
  o["lines"] = std::move(many);
  auto r = post("/internal/reservations", json::serialize(o));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_message(r).rfind("lines: ", 0), 0U) << r.body;
  EXPECT_EQ(available(1), 10);
}

TEST_F(reservation_routes, a_hundred_lines_are_accepted) {
  std::vector<std::pair<std::int64_t, std::int64_t>> lines;
  for (std::int64_t id = 100; id < 200; ++id) {
    add_product(id, 1, "item " + std::to_string(id), 100, true, 1);
    lines.emplace_back(id, 1);
  }
  auto r = reserve("big", lines);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(parse(r).at("lines").as_array().size(), 100u);
  EXPECT_EQ(parse(r).at("subtotal_paise").as_int64(), 100 * 100);
}

TEST_F(reservation_routes, confirm_is_idempotent_and_unknown_is_404) {
  ASSERT_EQ(reserve("order-1", {{1, 2}}).status, 201);
  for (int i = 0; i < 2; ++i) {
    auto r = confirm("order-1");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(parse(r).at("reservation_id").as_string(), "order-1");
    EXPECT_EQ(status_of(r), "confirmed");
  }
  EXPECT_EQ(available(1), 8);  // confirming moves no stock
  auto unknown = confirm("nope");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(error_code(unknown), "not_found");
  EXPECT_EQ(get("/internal/reservations/nope").status, 404);
  EXPECT_EQ(confirm("bad%20id").status, 400);
}

TEST_F(reservation_routes, release_gives_back_held_or_confirmed_stock_once) {
  ASSERT_EQ(reserve("held-1", {{1, 3}}).status, 201);
  ASSERT_EQ(reserve("conf-1", {{1, 2}, {2, 1}}).status, 201);
  ASSERT_EQ(confirm("conf-1").status, 200);
  EXPECT_EQ(available(1), 5);
  for (int i = 0; i < 2; ++i) {
    auto a = release("held-1");
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(status_of(a), "released");
    auto b = release("conf-1");
    ASSERT_EQ(b.status, 200) << b.body;
    EXPECT_EQ(status_of(b), "released");
    EXPECT_EQ(available(1), 10);
    EXPECT_EQ(available(2), 3);
  }
  auto refused = confirm("held-1");
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(error_code(refused), "reservation_released");
  EXPECT_EQ(status_of(get("/internal/reservations/conf-1")), "released");
}

TEST_F(reservation_routes, releasing_an_unknown_id_leaves_a_tombstone) {
  auto r = release("late-1");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(status_of(r), "released");
  // The reserve that arrives after its cancellation is refused and takes nothing.
  auto late = reserve("late-1", {{1, 2}});
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(error_code(late), "reservation_released");
  EXPECT_EQ(available(1), 10);
  auto got = get("/internal/reservations/late-1");
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(status_of(got), "released");
  EXPECT_TRUE(parse(got).at("lines").as_array().empty());
  EXPECT_EQ(error_code(confirm("late-1")), "reservation_released");
  EXPECT_EQ(release("late-1").status, 200);
}

TEST_F(reservation_routes, the_sweep_expires_held_reservations_after_the_ttl) {
  ASSERT_EQ(reserve("old", {{1, 3}}).status, 201);
  clock.advance(seconds(300));
  ASSERT_EQ(reserve("young", {{1, 2}}).status, 201);
  ASSERT_EQ(reserve("kept", {{2, 1}}).status, 201);
  ASSERT_EQ(confirm("kept").status, 200);
  EXPECT_EQ(available(1), 5);
  clock.advance(seconds(299));
  EXPECT_EQ(sweep(), 0);  // "old" has 1 s left
  clock.advance(seconds(1));
  EXPECT_EQ(sweep(), 1);
  EXPECT_EQ(available(1), 8);
  EXPECT_EQ(status_of(get("/internal/reservations/old")), "expired");
  EXPECT_EQ(sweep(), 0);  // once only
  clock.advance(seconds(10'000));
  EXPECT_EQ(sweep(), 1);  // "young"; the confirmed one never expires
  EXPECT_EQ(available(1), 10);
  EXPECT_EQ(available(2), 2);
  EXPECT_EQ(status_of(get("/internal/reservations/kept")), "confirmed");
  // An expired reservation stays expired: confirm is refused, release changes nothing.
  auto c = confirm("old");
  EXPECT_EQ(c.status, 409);
  EXPECT_EQ(error_code(c), "reservation_expired");
  auto r = release("old");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(status_of(r), "expired");
  EXPECT_EQ(available(1), 10);
  auto again = reserve("old", {{1, 3}});
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(status_of(again), "expired");
  EXPECT_EQ(available(1), 10);
}

TEST_F(reservation_routes, the_sweep_works_in_bounded_batches_oldest_first) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(reserve("r" + std::to_string(i), {{1, 1}}).status, 201);
    clock.advance(seconds(1));
  }
  clock.advance(seconds(600));
  EXPECT_EQ(sweep(2), 2);
  EXPECT_EQ(status_of(get("/internal/reservations/r0")), "expired");
  EXPECT_EQ(status_of(get("/internal/reservations/r1")), "expired");
  EXPECT_EQ(status_of(get("/internal/reservations/r2")), "held");
  EXPECT_EQ(sweep(2), 2);
  EXPECT_EQ(sweep(2), 1);
  EXPECT_EQ(sweep(2), 0);
  EXPECT_EQ(available(1), 10);
}

TEST_F(reservation_routes, confirming_past_the_expiry_expires_on_the_spot) {
  ASSERT_EQ(reserve("order-1", {{1, 4}}).status, 201);
  clock.advance(seconds(600));  // due now; no sweep has run
  auto r = confirm("order-1");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(error_code(r), "reservation_expired");
  EXPECT_EQ(available(1), 10);
  EXPECT_EQ(status_of(get("/internal/reservations/order-1")), "expired");
  EXPECT_EQ(sweep(), 0);
}

TEST_F(reservation_routes, batch_lookup_shows_active_and_inactive_and_skips_unknown) {
  auto r = get("/internal/products?ids=3,1,99,4");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto items = parse(r).at("items").as_array();
  ASSERT_EQ(items.size(), 3u);
  const auto& milk = items[0].as_object();
  EXPECT_EQ(milk.at("id").as_int64(), 1);
  EXPECT_EQ(milk.at("name").as_string(), "Milk");
  EXPECT_EQ(milk.at("price_paise").as_int64(), 2'700);
  EXPECT_EQ(milk.at("active").as_bool(), true);
  EXPECT_EQ(milk.at("available").as_int64(), 10);
  EXPECT_EQ(items[1].as_object().at("id").as_int64(), 3);
  EXPECT_EQ(items[1].as_object().at("active").as_bool(), false);
  EXPECT_EQ(items[2].as_object().at("id").as_int64(), 4);
  EXPECT_EQ(items[2].as_object().at("available").as_int64(), 0);
  // Available follows reservations.
  ASSERT_EQ(reserve("order-1", {{1, 4}}).status, 201);
  EXPECT_EQ(parse(get("/internal/products?ids=1")).at("items").as_array()[0].as_object().at(
                "available").as_int64(),
            6);
}

TEST_F(reservation_routes, batch_lookup_bounds) {
  std::string hundred;
  for (int id = 1; id <= 100; ++id) {
    hundred += (id == 1 ? "" : ",") + std::to_string(id);
  }
  EXPECT_EQ(get("/internal/products?ids=" + hundred).status, 200);
  for (const std::string& query : std::vector<std::string>{
           "", "ids=", "ids=1,1", "ids=1,x", "ids=0", "ids=1,,2", "ids=" + hundred + ",101"}) {
    auto r = get("/internal/products?" + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(error_message(r).rfind("ids: ", 0), 0U) << query << " " << r.body;
  }
}

TEST_F(reservation_routes, a_database_outage_is_503_and_changes_nothing) {
  ASSERT_EQ(reserve("order-1", {{1, 4}}).status, 201);
  db->fail_with = sql::errc::unavailable;
  for (auto r : {reserve("order-2", {{1, 1}}), confirm("order-1"), release("order-1"),
                 get("/internal/reservations/order-1"), get("/internal/products?ids=1")}) {
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(r.headers.get("Retry-After"), std::optional<std::string_view>("1"));
  }
  db->fail_with.reset();
  EXPECT_EQ(available(1), 6);
  EXPECT_EQ(status_of(get("/internal/reservations/order-1")), "held");
}

TEST_F(reservation_routes, the_schema_refuses_a_negative_stock_even_from_a_buggy_statement) {
  auto body = [](sql::transaction& tx) {
    tx.exec("UPDATE stock SET available = available - 11 WHERE product_id = 1");
  };
  auto done = run_now(db->transact(body, seconds(1)));
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, sql::errc::constraint_violation);
  EXPECT_EQ(available(1), 10);
}

}  // namespace
}  // namespace qm::test
