// Route-level tests: the real cart service on SQLite, hosted in-process on a manual clock
// (tests/support/service_harness.hpp), priced by a small fake of the product service's batch
// endpoint (GET /internal/products?ids=..., as the shop contract describes it).

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/identity/user_context.hpp"
#include "core/json/json.hpp"
#include "services/cart/domain/pricing.hpp"
#include "services/cart/service.hpp"
#include "tests/support/replies.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {
namespace {

const time_point t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);
constexpr std::string_view secret = "cart-test-context-secret-0123456789";

// The product service's batch lookup as the contract describes it: 1..100 distinct ids,
// unknown ids absent from the reply.
class fake_product {
 public:
  fake_product() {
    routes.add(http::method::get, "/internal/products",
               [this](http::request_context rc) { return serve(std::move(rc)); });
  }

  void put(std::int64_t id, std::string name, std::int64_t price_paise, bool active = true,
           std::int64_t available = 10) {
    items[id] = cart::product_info{id, std::move(name), price_paise, active, available};
  }

  std::map<std::int64_t, cart::product_info> items;
  std::optional<int> fail_status;  // while set, every call answers this status
  int calls = 0;
  std::vector<std::int64_t> last_ids;
  http::router routes;

 private:
  task<http::response> serve(http::request_context rc) {
    ++calls;
    if (fail_status) {
      co_return http::error_response(*fail_status, "broken", "injected by the test");
    }
    const auto ids = http::query_param(rc.request.query(), "ids").value_or("");
    last_ids.clear();
    std::size_t start = 0;
    while (start <= ids.size()) {
      const auto comma = std::min(ids.find(',', start), ids.size());
      const std::string part = ids.substr(start, comma - start);
      if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos) {
        co_return http::error_response(400, "invalid_parameter", "ids: bad id");
      }
      last_ids.push_back(std::stoll(part));
      start = comma + 1;
    }
    const std::set<std::int64_t> distinct(last_ids.begin(), last_ids.end());
    if (last_ids.empty() || last_ids.size() > 100 || distinct.size() != last_ids.size()) {
      co_return http::error_response(400, "invalid_parameter", "ids: 1..100 distinct ids");
    }
    json::array out;
    for (const auto id : last_ids) {
      const auto it = items.find(id);
      if (it == items.end()) {
        continue;
      }
      json::object o;
      o["id"] = it->second.id;
      o["name"] = it->second.name;
      o["price_paise"] = it->second.price_paise;
      o["active"] = it->second.active;
      o["available"] = it->second.available;
      out.push_back(std::move(o));
    }
    json::object body;
    body["items"] = std::move(out);
    co_return http::json_response(200, json::serialize(body));
  }
};

class cart_routes : public ::testing::Test {
 protected:
  manual_clock clock{t0};
  sim::prng random{11};
  in_process_http http;
  std::unique_ptr<faulty_storage> db = memory_storage();
  fake_product product;
  service_host cart{"cart", clock, random, http, db.get()};

  static std::unique_ptr<rt::service> make(rt::runtime& rt) {
    return std::make_unique<cart::cart_service>(rt);
  }

  void SetUp() override {
    http.attach("product", product.routes);
    cart.config().set("context_secret", std::string(secret));
    cart.config().set("upstream_timeout_ms", "750");
    cart.config().set("db_timeout_ms", "1500");
    ASSERT_TRUE(cart.start_with(make));
    product.put(1, "Brown Bread", 4'500);
    product.put(2, "Paneer", 9'000);
    product.put(3, "Toned Milk", 2'700, true, 0);
  }

  std::string context_for(std::int64_t user_id) {
    const identity::user_context c{user_id, std::string(identity::role_customer),
                                   to_unix_seconds(clock.now()) + 60, ""};
    return identity::sign(c, secret);
  }

  http::response as(std::int64_t user_id, http::method verb, std::string target,
                    std::string body = {}) {
    auto req = make_request(verb, std::move(target), std::move(body));
    req.headers.set(std::string(identity::context_header), context_for(user_id));
    return cart.handle(std::move(req));
  }

  http::response add(std::int64_t user_id, std::int64_t product_id, std::int64_t quantity) {
    return as(user_id, http::method::post, "/cart/items",
              R"({"product_id":)" + std::to_string(product_id) + R"(,"quantity":)" +
                  std::to_string(quantity) + "}");
  }

  http::response internal(http::method verb, std::string target, std::string body = {}) {
    return cart.handle(make_request(verb, std::move(target), std::move(body)));
  }

  // (product_id, quantity) of each line of a 200 cart reply, in order.
  static std::vector<std::pair<std::int64_t, std::int64_t>> lines_of(const http::response& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    auto o = parse(r);
    const char* key = o.contains("items") ? "items" : "lines";
    for (const auto& v : o.at(key).as_array()) {
      const auto& line = v.as_object();
      out.emplace_back(line.at("product_id").as_int64(), line.at("quantity").as_int64());
    }
    return out;
  }

  using lines = std::vector<std::pair<std::int64_t, std::int64_t>>;
};

TEST_F(cart_routes, every_user_route_needs_a_verified_caller) {
  const std::vector<std::pair<http::method, std::string>> routes = {
      {http::method::get, "/cart"},
      {http::method::post, "/cart/items"},
      {http::method::patch, "/cart/items/1"},
      {http::method::del, "/cart/items/1"},
      {http::method::del, "/cart"},
  };
  for (const auto& [verb, target] : routes) {
    auto r = cart.handle(make_request(verb, target, R"({"product_id":1,"quantity":1})"));
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(error_code(r), "unauthenticated") << target;
  }
  // Signed under another secret: refused too.
  auto forged = make_request(http::method::get, "/cart");
  forged.headers.set(std::string(identity::context_header),
                     identity::sign({42, "customer", to_unix_seconds(t0) + 60, ""},
                                    "some-other-secret-0123456789abcdef"));
  EXPECT_EQ(cart.handle(std::move(forged)).status, 401);
  EXPECT_EQ(product.calls, 0);
}

TEST_F(cart_routes, an_empty_cart_is_answered_without_asking_the_product_service) {
  auto r = as(42, http::method::get, "/cart");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = parse(r);
  EXPECT_EQ(o.at("user_id").as_int64(), 42);
  EXPECT_TRUE(o.at("items").as_array().empty());
  EXPECT_EQ(o.at("item_count").as_int64(), 0);
  EXPECT_EQ(o.at("subtotal_paise").as_int64(), 0);
  EXPECT_EQ(o.at("delivery_fee_paise").as_int64(), 0);
  EXPECT_EQ(o.at("total_paise").as_int64(), 0);
  EXPECT_TRUE(o.at("unavailable_product_ids").as_array().empty());
  EXPECT_EQ(product.calls, 0);
}

TEST_F(cart_routes, added_lines_are_priced_in_paise_with_the_delivery_fee_rule) {
  ASSERT_EQ(add(42, 2, 1).status, 200);
  auto r = add(42, 1, 2);
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = parse(r);
  EXPECT_EQ(lines_of(r), (lines{{1, 2}, {2, 1}}));
  const auto& first = o.at("items").as_array().at(0).as_object();
  EXPECT_EQ(first.at("name").as_string(), "Brown Bread");
  EXPECT_EQ(first.at("unit_price_paise").as_int64(), 4'500);
  EXPECT_EQ(first.at("line_total_paise").as_int64(), 9'000);
  EXPECT_EQ(first.at("available").as_int64(), 10);
  EXPECT_TRUE(first.at("active").as_bool());
  EXPECT_EQ(o.at("item_count").as_int64(), 3);
  EXPECT_EQ(o.at("subtotal_paise").as_int64(), 18'000);
  EXPECT_EQ(o.at("delivery_fee_paise").as_int64(), 2'000);  // under 199 rupees
  EXPECT_EQ(o.at("total_paise").as_int64(), 20'000);
  // Each add checked and priced with one call, for the cart's ids and the new one.
  EXPECT_EQ(product.calls, 2);
  EXPECT_EQ(product.last_ids, (std::vector<std::int64_t>{2, 1}));

  // One more milk: 207 rupees, delivery free.
  r = add(42, 3, 1);
  o = parse(r);
  EXPECT_EQ(o.at("subtotal_paise").as_int64(), 20'700);
  EXPECT_EQ(o.at("delivery_fee_paise").as_int64(), 0);
  EXPECT_EQ(o.at("total_paise").as_int64(), 20'700);

  // GET shows the same cart, priced by one batch call for all three ids.
  r = as(42, http::method::get, "/cart");
  EXPECT_EQ(lines_of(r), (lines{{1, 2}, {2, 1}, {3, 1}}));
  EXPECT_EQ(product.last_ids, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(http.deadlines.back(), clock.now() + ms(750));
}

TEST_F(cart_routes, adding_to_a_line_sums_and_refuses_more_than_fifty_units) {
  ASSERT_EQ(add(42, 1, 30).status, 200);
  auto r = add(42, 1, 20);
  EXPECT_EQ(lines_of(r), (lines{{1, 50}}));
  r = add(42, 1, 1);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(error_code(r), "quantity_limit");
  EXPECT_EQ(lines_of(as(42, http::method::get, "/cart")), (lines{{1, 50}}));
}

TEST_F(cart_routes, unknown_or_inactive_products_cannot_be_added) {
  product.put(9, "Old Biscuits", 1'000, false);
  for (const std::int64_t id : {9, 77}) {
    auto r = add(42, id, 1);
    EXPECT_EQ(r.status, 404) << r.body;
    EXPECT_EQ(error_code(r), "product_not_found");
  }
  EXPECT_TRUE(lines_of(as(42, http::method::get, "/cart")).empty());
}

TEST_F(cart_routes, add_checks_its_body_and_names_the_field) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"product_id":1,"quantity":0})", "quantity"},
      {R"({"product_id":1,"quantity":51})", "quantity"},
      {R"({"product_id":1})", "quantity"},
      {R"({"product_id":1,"quantity":"2"})", "quantity"},
      {R"({"product_id":0,"quantity":1})", "product_id"},
      {R"({"product_id":9007199254740992,"quantity":1})", "product_id"},
      {R"({"product_id":1,"quantity":1,"note":"x"})", "note"},
  };
  for (const auto& [body, field] : cases) {
    auto r = as(42, http::method::post, "/cart/items", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(error_code(r), "invalid_field") << body;
    EXPECT_EQ(error_message(r).rfind(field + ":", 0), 0U) << body << " -> " << r.body;
  }
  auto r = as(42, http::method::post, "/cart/items", "{not json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_code(r), "invalid_body");
  EXPECT_EQ(product.calls, 0);
}

TEST_F(cart_routes, a_cart_holds_at_most_one_hundred_lines) {
  for (std::int64_t id = 100; id < 200; ++id) {
    product.put(id, "item " + std::to_string(id), 100);
  }
  for (std::int64_t id = 100; id < 200; ++id) {
    ASSERT_EQ(add(42, id, 1).status, 200) << id;
  }
  product.put(500, "one too many", 100);
  auto r = add(42, 500, 1);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(error_code(r), "cart_full");
  // Adding to an existing line of a full cart still works.
  r = add(42, 150, 2);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(lines_of(r).size(), 100U);
  EXPECT_EQ(parse(r).at("item_count").as_int64(), 102);
}

TEST_F(cart_routes, patch_sets_the_quantity_and_zero_removes_the_line) {
  ASSERT_EQ(add(42, 1, 2).status, 200);
  ASSERT_EQ(add(42, 2, 2).status, 200);
  auto r = as(42, http::method::patch, "/cart/items/1", R"({"quantity":7})");
  EXPECT_EQ(lines_of(r), (lines{{1, 7}, {2, 2}}));
  r = as(42, http::method::patch, "/cart/items/2", R"({"quantity":0})");
  EXPECT_EQ(lines_of(r), (lines{{1, 7}}));
  r = as(42, http::method::patch, "/cart/items/2", R"({"quantity":3})");
  EXPECT_EQ(r.status, 404) << r.body;
  r = as(42, http::method::patch, "/cart/items/1", R"({"quantity":51})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_code(r), "invalid_field");
  r = as(42, http::method::patch, "/cart/items/abc", R"({"quantity":1})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(lines_of(as(42, http::method::get, "/cart")), (lines{{1, 7}}));
}

TEST_F(cart_routes, delete_removes_one_line_or_the_whole_cart) {
  ASSERT_EQ(add(42, 1, 2).status, 200);
  ASSERT_EQ(add(42, 2, 1).status, 200);
  auto r = as(42, http::method::del, "/cart/items/1");
  EXPECT_EQ(lines_of(r), (lines{{2, 1}}));
  r = as(42, http::method::del, "/cart/items/1");
  EXPECT_EQ(r.status, 404);
  r = as(42, http::method::del, "/cart");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_TRUE(lines_of(as(42, http::method::get, "/cart")).empty());
  // Clearing an empty cart is fine too.
  EXPECT_EQ(as(42, http::method::del, "/cart").status, 204);
}

TEST_F(cart_routes, carts_belong_to_their_users) {
  ASSERT_EQ(add(42, 1, 2).status, 200);
  ASSERT_EQ(add(43, 2, 5).status, 200);
  EXPECT_EQ(lines_of(as(42, http::method::get, "/cart")), (lines{{1, 2}}));
  EXPECT_EQ(lines_of(as(43, http::method::get, "/cart")), (lines{{2, 5}}));
  EXPECT_EQ(as(43, http::method::del, "/cart/items/1").status, 404);
  EXPECT_EQ(lines_of(as(42, http::method::get, "/cart")), (lines{{1, 2}}));
}

TEST_F(cart_routes, lines_of_withdrawn_products_are_listed_but_not_charged) {
  ASSERT_EQ(add(42, 1, 2).status, 200);
  ASSERT_EQ(add(42, 2, 1).status, 200);
  ASSERT_EQ(add(42, 3, 1).status, 200);
  product.items[2].active = false;  // withdrawn after it was added
  product.items.erase(3);           // gone from the catalogue altogether
  auto r = as(42, http::method::get, "/cart");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = parse(r);
  EXPECT_EQ(lines_of(r), (lines{{1, 2}, {2, 1}, {3, 1}}));
  const auto& unavailable = o.at("unavailable_product_ids").as_array();
  ASSERT_EQ(unavailable.size(), 2U);
  EXPECT_EQ(unavailable.at(0).as_int64(), 2);
  EXPECT_EQ(unavailable.at(1).as_int64(), 3);
  EXPECT_FALSE(o.at("items").as_array().at(1).as_object().at("active").as_bool());
  EXPECT_EQ(o.at("items").as_array().at(2).as_object().at("name").as_string(), "");
  EXPECT_EQ(o.at("item_count").as_int64(), 2);
  EXPECT_EQ(o.at("subtotal_paise").as_int64(), 9'000);
  EXPECT_EQ(o.at("delivery_fee_paise").as_int64(), 2'000);
  EXPECT_EQ(o.at("total_paise").as_int64(), 11'000);
}

TEST_F(cart_routes, an_unreachable_product_service_answers_503_never_500) {
  ASSERT_EQ(add(42, 1, 2).status, 200);
  for (const auto failure : {rt::call_errc::timeout, rt::call_errc::connect_failed}) {
    http.failures["product"] = failure;
    for (auto r : {add(42, 2, 1), as(42, http::method::patch, "/cart/items/1", R"({"quantity":3})")}) {
      EXPECT_EQ(r.status, 503) << r.body;
      EXPECT_EQ(error_code(r), "upstream_unavailable");
      EXPECT_EQ(r.headers.get("Retry-After").value_or(""), "1");
    }
  }
  http.failures.erase("product");
  product.fail_status = 500;
  // A cart whose products were priced before is shown with the last known prices, flagged.
  auto r = as(42, http::method::get, "/cart");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.get("X-Quickmart-Fallback"), "last-known-prices");
  EXPECT_TRUE(parse(r).at("prices_stale").as_bool());
  // One with a product never priced cannot be shown.
  EXPECT_EQ(as(43, http::method::get, "/cart").status, 200);  // empty: nothing to price
  product.fail_status.reset();
  // The failures opened cart's breaker for product: past its wait a probe finds product back.
  clock.advance(seconds(6));
  // The add was refused before it was stored; the PATCH (stored, then not priced) did land.
  EXPECT_EQ(lines_of(as(42, http::method::get, "/cart")), (lines{{1, 3}}));
  EXPECT_TRUE(cart.log().saw("product service unavailable request_id="));  // in the request's scope
}

TEST_F(cart_routes, a_malformed_product_reply_is_an_upstream_failure) {
  ASSERT_EQ(add(42, 1, 2).status, 200);
  // A negative price: the reply is refused as a whole rather than priced.
  http::router broken;
  broken.add(http::method::get, "/internal/products",
             [](http::request_context) -> task<http::response> {
               co_return http::json_response(
                   200, R"({"items":[{"id":1,"name":"x","price_paise":-5,"active":true,)"
                        R"("available":1}]})");
             });
  http.attach("product", broken);
  auto r = as(42, http::method::patch, "/cart/items/1", R"({"quantity":3})");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(error_code(r), "upstream_unavailable");
  // A read falls back to the prices the cart saw last, never to the broken ones.
  r = as(42, http::method::get, "/cart");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.headers.get("X-Quickmart-Fallback"), "last-known-prices");
  EXPECT_EQ(r.body.find("-5"), std::string::npos) << r.body;
}

TEST_F(cart_routes, a_database_outage_answers_503) {
  db->fail_with = sql::errc::unavailable;
  auto r = as(42, http::method::get, "/cart");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(error_code(r), "unavailable");
  EXPECT_EQ(r.headers.get("Retry-After").value_or(""), "1");
  r = internal(http::method::get, "/internal/carts/42");
  EXPECT_EQ(r.status, 503);
  db->fail_with.reset();
  EXPECT_EQ(as(42, http::method::get, "/cart").status, 200);
}

TEST_F(cart_routes, the_internal_view_lists_bare_lines) {
  ASSERT_EQ(add(42, 2, 4).status, 200);
  ASSERT_EQ(add(42, 1, 1).status, 200);
  const int calls_before = product.calls;
  auto r = internal(http::method::get, "/internal/carts/42");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("user_id").as_int64(), 42);
  EXPECT_EQ(lines_of(r), (lines{{1, 1}, {2, 4}}));
  EXPECT_EQ(product.calls, calls_before);  // no pricing
  EXPECT_TRUE(lines_of(internal(http::method::get, "/internal/carts/7")).empty());
  EXPECT_EQ(internal(http::method::get, "/internal/carts/0").status, 400);
}

TEST_F(cart_routes, checkout_clear_subtracts_once_per_order) {
  ASSERT_EQ(add(42, 1, 3).status, 200);
  ASSERT_EQ(add(42, 2, 1).status, 200);
  ASSERT_EQ(add(42, 3, 2).status, 200);
  const std::string order = R"({"order_id":9001,"lines":[{"product_id":1,"quantity":2},)"
                            R"({"product_id":2,"quantity":1},{"product_id":5,"quantity":4}]})";
  auto r = internal(http::method::post, "/internal/carts/42/checkout", order);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(parse(r).at("applied").as_bool());
  EXPECT_EQ(parse(r).at("order_id").as_int64(), 9001);
  EXPECT_EQ(lines_of(r), (lines{{1, 1}, {3, 2}}));

  // The customer adds to the cart again; a retry of the same clear changes nothing.
  ASSERT_EQ(add(42, 2, 1).status, 200);
  r = internal(http::method::post, "/internal/carts/42/checkout", order);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(parse(r).at("applied").as_bool());
  EXPECT_EQ(lines_of(r), (lines{{1, 1}, {2, 1}, {3, 2}}));

  // A second order empties what it names; ordering more than the cart holds removes the line.
  r = internal(http::method::post, "/internal/carts/42/checkout",
               R"({"order_id":9002,"lines":[{"product_id":1,"quantity":5},)"
               R"({"product_id":2,"quantity":1},{"product_id":3,"quantity":2}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(lines_of(r).empty());
  EXPECT_TRUE(lines_of(internal(http::method::get, "/internal/carts/42")).empty());
}

TEST_F(cart_routes, checkout_clear_checks_its_body) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"lines":[]})", "order_id"},
      {R"({"order_id":0,"lines":[]})", "order_id"},
      {R"({"order_id":5})", "lines"},
      {R"({"order_id":5,"lines":[{"product_id":1,"quantity":0}]})", "lines[0].quantity"},
      {R"({"order_id":5,"lines":[{"product_id":1,"quantity":1},{"product_id":-1,"quantity":1}]})",
       "lines[1].product_id"},
      {R"({"order_id":5,"lines":[7]})", "lines[0]"},
  };
  for (const auto& [body, field] : cases) {
    auto r = internal(http::method::post, "/internal/carts/42/checkout", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(error_message(r).rfind(field + ":", 0), 0U) << body << " -> " << r.body;
  }
  std::string many = R"({"order_id":5,"lines":[)";
  for (int i = 1; i <= 101; ++i) {
    many += (i > 1 ? "," : "") + std::string(R"({"product_id":)") + std::to_string(i) +
            R"(,"quantity":1})";
  }
  many += "]}";
  auto r = internal(http::method::post, "/internal/carts/42/checkout", many);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_message(r).rfind("lines:", 0), 0U) << r.body;
}

TEST_F(cart_routes, transactions_run_with_the_configured_database_timeout) {
  const auto before = db->transactions;
  ASSERT_EQ(add(42, 1, 1).status, 200);
  EXPECT_GT(db->transactions, before);
  EXPECT_EQ(db->last_timeout, ms(1500));
}

TEST_F(cart_routes, operations_are_counted) {
  ASSERT_EQ(add(42, 1, 1).status, 200);
  ASSERT_EQ(add(42, 77, 1).status, 404);
  const std::string text = cart.metrics().expose_text();
  EXPECT_NE(text.find(R"(cart_operations_total{op="add",outcome="ok"} 1)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(cart_operations_total{op="add",outcome="product_not_found"} 1)"),
            std::string::npos)
      << text;
}

TEST(cart_service_start, refuses_to_start_without_a_context_secret) {
  manual_clock clock{t0};
  sim::prng random{3};
  in_process_http http;
  auto db = memory_storage();
  service_host host{"cart", clock, random, http, db.get()};
  EXPECT_FALSE(host.start_with(
      [](rt::runtime& rt) { return std::make_unique<cart::cart_service>(rt); }));
  EXPECT_TRUE(host.log().saw("context_secret"));
}

TEST(cart_service_start, refuses_to_start_without_storage) {
  manual_clock clock{t0};
  sim::prng random{3};
  in_process_http http;
  service_host host{"cart", clock, random, http, nullptr};
  host.config().set("context_secret", std::string(secret));
  EXPECT_FALSE(host.start_with(
      [](rt::runtime& rt) { return std::make_unique<cart::cart_service>(rt); }));
}

}  // namespace
}  // namespace qm::test
