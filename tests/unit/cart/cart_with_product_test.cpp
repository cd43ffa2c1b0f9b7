// The cart against the real product service (both on SQLite, in-process): the batch lookup
// the cart prices from is the one product serves, so a drift in either side of the contract
// shows up here.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/identity/user_context.hpp"
#include "core/json/json.hpp"
#include "services/cart/service.hpp"
#include "tests/support/replies.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);
constexpr std::string_view secret = "cart-product-context-secret-0123456789";

class cart_with_product : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{13};
  in_process_http http;
  std::unique_ptr<faulty_storage> product_db = memory_storage();
  std::unique_ptr<faulty_storage> cart_db = memory_storage();
  service_host product{"product", clock, random, http, product_db.get()};
  service_host cart{"cart", clock, random, http, cart_db.get()};

  void SetUp() override {
    product.config().set("context_secret", std::string(secret));
    ASSERT_TRUE(product.start());
    cart.config().set("context_secret", std::string(secret));
    ASSERT_TRUE(cart.start_with(
        [](rt::runtime& rt) { return std::make_unique<cart::cart_service>(rt); }));
    http.attach("product", product.routes());
    exec("INSERT INTO categories (id, name) VALUES (1, 'Dairy')");
    add_product(11, "Paneer", 9'000, 5);
    add_product(12, "Curd", 3'500, 0);
  }

  void exec(std::string statement, sql::params args = {}) {
    auto body = [&](sql::transaction& tx) { tx.exec(statement, args); };
    auto done = run_now(product_db->transact(body, seconds(1)));
    ASSERT_TRUE(done.ok()) << statement << ": " << (done.ok() ? "" : done.error().message);
  }

  void add_product(std::int64_t id, std::string name, std::int64_t price_paise,
                   std::int64_t available) {
    exec(
        "INSERT INTO products (id, category_id, name, description, price_paise, active, "
        "created_at) VALUES ($1, 1, $2, '', $3, 1, $4)",
        {id, std::move(name), price_paise, to_unix_seconds(t0)});
    exec("INSERT INTO stock (product_id, available) VALUES ($1, $2)", {id, available});
  }

  http::response as(std::int64_t user_id, http::method verb, std::string target,
                    std::string body = {}) {
    auto req = make_request(verb, std::move(target), std::move(body));
    const identity::user_context c{user_id, std::string(identity::role_customer),
                                   to_unix_seconds(clock.now()) + 60, ""};
    req.headers.set(std::string(identity::context_header), identity::sign(c, secret));
    return cart.handle(std::move(req));
  }
};

TEST_F(cart_with_product, the_cart_is_priced_from_the_product_service) {
  auto r = as(42, http::method::post, "/cart/items", R"({"product_id":11,"quantity":2})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = as(42, http::method::post, "/cart/items", R"({"product_id":12,"quantity":1})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = parse(r);
  const auto& items = o.at("items").as_array();
  ASSERT_EQ(items.size(), 2U);
  const auto& paneer = items.at(0).as_object();
  EXPECT_EQ(paneer.at("name").as_string(), "Paneer");
  EXPECT_EQ(paneer.at("unit_price_paise").as_int64(), 9'000);
  EXPECT_EQ(paneer.at("available").as_int64(), 5);
  EXPECT_TRUE(paneer.at("active").as_bool());
  EXPECT_EQ(items.at(1).as_object().at("available").as_int64(), 0);  // out of stock, still listed
  EXPECT_EQ(o.at("subtotal_paise").as_int64(), 21'500);
  EXPECT_EQ(o.at("delivery_fee_paise").as_int64(), 0);
  EXPECT_EQ(o.at("total_paise").as_int64(), 21'500);
}

TEST_F(cart_with_product, unknown_and_withdrawn_products_follow_the_contract) {
  auto r = as(42, http::method::post, "/cart/items", R"({"product_id":99,"quantity":1})");
  EXPECT_EQ(r.status, 404) << r.body;
  ASSERT_EQ(as(42, http::method::post, "/cart/items", R"({"product_id":11,"quantity":1})").status,
            200);
  ASSERT_EQ(as(42, http::method::post, "/cart/items", R"({"product_id":12,"quantity":1})").status,
            200);
  exec("UPDATE products SET active = 0 WHERE id = 12");
  r = as(42, http::method::get, "/cart");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = parse(r);
  ASSERT_EQ(o.at("unavailable_product_ids").as_array().size(), 1U);
  EXPECT_EQ(o.at("unavailable_product_ids").as_array().at(0).as_int64(), 12);
  EXPECT_EQ(o.at("subtotal_paise").as_int64(), 9'000);
  r = as(42, http::method::post, "/cart/items", R"({"product_id":12,"quantity":1})");
  EXPECT_EQ(r.status, 404) << r.body;
}

TEST_F(cart_with_product, a_product_database_outage_reaches_the_customer_as_503) {
  ASSERT_EQ(as(42, http::method::post, "/cart/items", R"({"product_id":11,"quantity":1})").status,
            200);
  product_db->fail_with = sql::errc::unavailable;
  // A change needs product's answer: 503.
  auto r = as(42, http::method::post, "/cart/items", R"({"product_id":12,"quantity":1})");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("upstream_unavailable"), std::string::npos);
  // A read of a cart priced before shows the last known prices, flagged.
  r = as(42, http::method::get, "/cart");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.get("X-Quickmart-Fallback"), "last-known-prices");
  EXPECT_TRUE(parse(r).at("prices_stale").as_bool());
}

}  // namespace
}  // namespace qm::test
