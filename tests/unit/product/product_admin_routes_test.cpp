// Route-level tests of the admin routes: only a signed admin context gets in; catalogue
// changes, deactivation, restock (with its ledger entry) and the dashboard counts.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/product/product_fixture.hpp"

namespace qm::test {
namespace {

using http::method;

class admin_routes : public ::testing::Test, public product_host {
 protected:
  void SetUp() override { ASSERT_TRUE(start()); }
  void TearDown() override { expect_balanced(); }

  std::int64_t create_category(std::string name) {
    json::object o;
    o["name"] = std::move(name);
    auto r = admin(method::post, "/admin/categories", json::serialize(o));
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? parse(r).at("id").as_int64() : 0;
  }

  json::object create_product(std::int64_t category_id, std::string name, std::int64_t price,
                              std::optional<std::int64_t> stock) {
    json::object o;
    o["category_id"] = category_id;
    o["name"] = std::move(name);
    o["price_paise"] = price;
    if (stock) {
      o["stock"] = *stock;
    }
    auto r = admin(method::post, "/admin/products", json::serialize(o));
    EXPECT_EQ(r.status, 201) << r.body;
    return parse(r);
  }
};

// Every admin route with a body it would accept.
const std::vector<std::tuple<method, std::string, std::string>> admin_calls = {
    {method::post, "/admin/categories", R"({"name":"X"})"},
    {method::post, "/admin/products", R"({"category_id":1,"name":"X","price_paise":1})"},
    {method::get, "/admin/products", ""},
    {method::patch, "/admin/products/1", R"({"name":"Y"})"},
    {method::del, "/admin/products/1", ""},
    {method::post, "/admin/products/1/restock", R"({"quantity":1})"},
    {method::get, "/admin/stats", ""},
};

TEST_F(admin_routes, no_context_is_401_and_another_role_is_403) {
  add_category(1, "C");
  add_product(1, 1, "P", 100, true, 5);
  for (const auto& [verb, target, body] : admin_calls) {
    auto none = send(verb, target, body);
    EXPECT_EQ(none.status, 401) << target;
    EXPECT_EQ(error_code(none), "unauthenticated") << target;
    for (const std::string role : {"customer", "partner"}) {
      auto r = send(verb, target, body, role);
      EXPECT_EQ(r.status, 403) << target << " as " << role;
      EXPECT_EQ(error_code(r), "forbidden") << target;
    }
    // A context signed with another secret is no context at all.
    auto req = make_request(verb, target, body);
    const identity::user_context who{42, "admin", to_unix_seconds(clock.now()) + 60, ""};
    req.headers.set(std::string(identity::context_header),
                    identity::sign(who, "some-other-secret-0123456789abcdefghijkl"));
    EXPECT_EQ(product.handle(std::move(req)).status, 401) << target;
  }
  // Nothing changed.
  EXPECT_EQ(available(1), 5);
  EXPECT_EQ(query("SELECT COUNT(*) FROM categories").front().get_int(0), 1);
}

TEST_F(admin_routes, an_expired_context_is_refused) {
  auto req = make_request(method::get, "/admin/stats");
  const identity::user_context who{42, "admin", to_unix_seconds(clock.now()) + 60, ""};
  req.headers.set(std::string(identity::context_header), identity::sign(who, product_context_secret));
  clock.advance(seconds(61));
  EXPECT_EQ(product.handle(std::move(req)).status, 401);
}

TEST_F(admin_routes, categories_and_products_are_created_and_browsable) {
  const auto dairy = create_category("Dairy");
  ASSERT_GT(dairy, 0);
  auto dup = admin(method::post, "/admin/categories", R"({"name":"Dairy"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(error_code(dup), "category_exists");
  auto bad = admin(method::post, "/admin/categories", R"({"name":""})");
  EXPECT_EQ(bad.status, 400);

  const auto milk = create_product(dairy, "Milk", 2'700, 40);
  const std::int64_t id = milk.at("id").as_int64();
  EXPECT_GT(id, 0);
  EXPECT_LT(id, std::int64_t{1} << 53);
  EXPECT_EQ(milk.at("category_id").as_int64(), dairy);
  EXPECT_EQ(milk.at("name").as_string(), "Milk");
  EXPECT_EQ(milk.at("description").as_string(), "");
  EXPECT_EQ(milk.at("price_paise").as_int64(), 2'700);
  EXPECT_EQ(milk.at("active").as_bool(), true);
  EXPECT_EQ(milk.at("available").as_int64(), 40);
  const auto bare = create_product(dairy, "Butter", 5'000, std::nullopt);
  EXPECT_EQ(bare.at("available").as_int64(), 0);

  auto detail = get("/products/" + std::to_string(id));
  ASSERT_EQ(detail.status, 200) << detail.body;
  EXPECT_EQ(parse(detail).at("available").as_int64(), 40);
  EXPECT_EQ(accounts().at(id), (stock_account{40, 40, 0}));

  auto unknown_category =
      admin(method::post, "/admin/products", R"({"category_id":999,"name":"X","price_paise":1})");
  EXPECT_EQ(unknown_category.status, 400);
  EXPECT_EQ(error_message(unknown_category).rfind("category_id: ", 0), 0U) << unknown_category.body;
  auto bad_price =
      admin(method::post, "/admin/products",
            "{\"category_id\":" + std::to_string(dairy) + ",\"name\":\"X\",\"price_paise\":-5}");
  EXPECT_EQ(bad_price.status, 400);
  EXPECT_EQ(error_message(bad_price).rfind("price_paise: ", 0), 0U);
}

// The public listing renders a page once per catalogue version: it follows every change an
// admin makes here or through another replica (another store on the same database), and
// serves the page it kept while nothing listed changed, stock included.
TEST_F(admin_routes, the_public_listing_follows_every_catalogue_change) {
  const auto pages = [this](std::string_view source) {
    return product.metrics()
        .get_counter("product_listing_pages_total", "", {{"source", std::string(source)}})
        .value();
  };
  const auto names = [this] {
    auto r = get("/products");
    EXPECT_EQ(r.status, 200) << r.body;
    std::string out;
    const auto listing = parse(r);
    for (const auto& item : listing.at("items").as_array()) {
      const auto& o = item.as_object();
      out += std::string(o.at("name").as_string()) + ":" +
             std::to_string(o.at("price_paise").as_int64()) + " ";
    }
    return out;
  };
  const auto dairy = create_category("Dairy");
  const std::int64_t milk = create_product(dairy, "Milk", 2'700, 40).at("id").as_int64();
  EXPECT_EQ(names(), "Milk:2700 ");
  const auto first = get("/products").body;
  EXPECT_EQ(names(), "Milk:2700 ");
  EXPECT_EQ(pages("database"), 1);
  EXPECT_EQ(pages("cache"), 2);
  EXPECT_EQ(get("/products").body, first);

  const std::string target = "/admin/products/" + std::to_string(milk);
  ASSERT_EQ(admin(method::patch, target, R"({"name":"Toned Milk"})").status, 200);
  EXPECT_EQ(names(), "Toned Milk:2700 ");
  ASSERT_EQ(admin(method::post, target + "/restock", R"({"quantity":5})").status, 200);
  EXPECT_EQ(names(), "Toned Milk:2700 ");
  const std::int64_t butter = create_product(dairy, "Butter", 5'000, 3).at("id").as_int64();
  EXPECT_EQ(names(), milk < butter ? "Toned Milk:2700 Butter:5000 " : "Butter:5000 Toned Milk:2700 ");

  product::product_store other_replica(*db, seconds(1));
  product::product_patch cheaper;
  cheaper.price_paise = 2'500;
  ASSERT_TRUE(run_now(other_replica.update_product(milk, cheaper)).ok());
  EXPECT_EQ(names(), milk < butter ? "Toned Milk:2500 Butter:5000 " : "Butter:5000 Toned Milk:2500 ");
  ASSERT_EQ(admin(method::del, target).status, 200);
  EXPECT_EQ(names(), "Butter:5000 ");
  // The restock changed nothing listed: the page after it came from the cache.
  EXPECT_EQ(pages("database"), 5);
  EXPECT_EQ(pages("cache"), 4);
}

TEST_F(admin_routes, patch_changes_only_the_given_fields) {
  add_category(1, "A");
  add_category(2, "B");
  add_product(7, 1, "Tea", 1'000, true, 3);
  auto r = admin(method::patch, "/admin/products/7", R"({"price_paise":1200,"category_id":2})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = parse(r);
  EXPECT_EQ(o.at("price_paise").as_int64(), 1'200);
  EXPECT_EQ(o.at("category_id").as_int64(), 2);
  EXPECT_EQ(o.at("name").as_string(), "Tea");
  EXPECT_EQ(o.at("description").as_string(), "about Tea");
  EXPECT_EQ(o.at("available").as_int64(), 3);
  auto renamed = admin(method::patch, "/admin/products/7", R"({"name":"Green Tea","description":""})");
  ASSERT_EQ(renamed.status, 200);
  EXPECT_EQ(parse(renamed).at("name").as_string(), "Green Tea");
  EXPECT_EQ(parse(renamed).at("description").as_string(), "");
  EXPECT_EQ(parse(renamed).at("price_paise").as_int64(), 1'200);

  EXPECT_EQ(admin(method::patch, "/admin/products/8", R"({"name":"X"})").status, 404);
  auto no_category = admin(method::patch, "/admin/products/7", R"({"category_id":9})");
  EXPECT_EQ(no_category.status, 400);
  EXPECT_EQ(error_message(no_category).rfind("category_id: ", 0), 0U);
  EXPECT_EQ(admin(method::patch, "/admin/products/7", R"({"active":"no"})").status, 400);
  EXPECT_EQ(admin(method::patch, "/admin/products/x", R"({})").status, 400);

  // Deactivating through PATCH hides it from customers; reactivating shows it again.
  ASSERT_EQ(admin(method::patch, "/admin/products/7", R"({"active":false})").status, 200);
  EXPECT_EQ(get("/products/7").status, 404);
  ASSERT_EQ(admin(method::patch, "/admin/products/7", R"({"active":true})").status, 200);
  EXPECT_EQ(get("/products/7").status, 200);
}

TEST_F(admin_routes, delete_deactivates_and_keeps_the_row) {
  add_category(1, "A");
  add_product(7, 1, "Tea", 1'000, true, 3);
  for (int i = 0; i < 2; ++i) {
    auto r = admin(method::del, "/admin/products/7");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(parse(r).at("active").as_bool(), false);
  }
  EXPECT_EQ(get("/products/7").status, 404);
  EXPECT_EQ(query("SELECT COUNT(*) FROM products WHERE id = 7").front().get_int(0), 1);
  EXPECT_EQ(admin(method::del, "/admin/products/8").status, 404);
  // A deactivated product cannot be reserved.
  auto r = post("/internal/reservations",
                R"({"reservation_id":"o1","lines":[{"product_id":7,"quantity":1}]})");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(error_code(r), "product_unavailable");
}

TEST_F(admin_routes, restock_adds_units_and_records_them) {
  add_category(1, "A");
  add_product(7, 1, "Tea", 1'000, true, 3);
  add_product(8, 1, "Coffee", 2'000);  // no stock row yet
  auto r = admin(method::post, "/admin/products/7/restock", R"({"quantity":10})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse(r).at("product_id").as_int64(), 7);
  EXPECT_EQ(parse(r).at("available").as_int64(), 13);
  auto fresh = admin(method::post, "/admin/products/8/restock", R"({"quantity":4})");
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(parse(fresh).at("available").as_int64(), 4);
  EXPECT_EQ(accounts().at(7), (stock_account{13, 13, 0}));
  EXPECT_EQ(accounts().at(8), (stock_account{4, 4, 0}));
  EXPECT_EQ(query("SELECT COUNT(*) FROM stock_movements WHERE kind = 'restock'").front().get_int(0),
            2);
  for (const std::string body : {R"({"quantity":0})", R"({"quantity":1000001})", R"({})"}) {
    auto bad = admin(method::post, "/admin/products/7/restock", body);
    EXPECT_EQ(bad.status, 400) << body;
    EXPECT_EQ(error_message(bad).rfind("quantity: ", 0), 0U) << bad.body;
  }
  EXPECT_EQ(admin(method::post, "/admin/products/9/restock", R"({"quantity":1})").status, 404);
  EXPECT_EQ(available(7), 13);
}

TEST_F(admin_routes, admin_listing_shows_inactive_products_on_request) {
  add_category(1, "A");
  add_product(1, 1, "Tea", 1'000, true, 3);
  add_product(2, 1, "Old Tea", 1'000, false, 1);
  add_product(3, 1, "Coffee", 2'000);
  auto active_only = admin(method::get, "/admin/products");
  ASSERT_EQ(active_only.status, 200) << active_only.body;
  auto items = parse(active_only).at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].as_object().at("id").as_int64(), 1);
  EXPECT_EQ(items[0].as_object().at("available").as_int64(), 3);
  EXPECT_EQ(items[1].as_object().at("id").as_int64(), 3);
  auto all = admin(method::get, "/admin/products?include_inactive=true&q=tea");
  ASSERT_EQ(all.status, 200) << all.body;
  items = parse(all).at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[1].as_object().at("id").as_int64(), 2);
  EXPECT_EQ(items[1].as_object().at("active").as_bool(), false);
  EXPECT_EQ(parse(admin(method::get, "/admin/products?include_inactive=true&limit=1&offset=2"))
                .at("items")
                .as_array()[0]
                .as_object()
                .at("id")
                .as_int64(),
            3);
  EXPECT_EQ(admin(method::get, "/admin/products?limit=0").status, 400);
  EXPECT_EQ(admin(method::get, "/admin/products?include_inactive=1").status, 400);
}

TEST_F(admin_routes, stats_count_the_dashboard) {
  add_category(1, "A");
  add_product(1, 1, "Tea", 1'000, true, 3);
  add_product(2, 1, "Old Tea", 1'000, false, 9);  // inactive: not counted
  add_product(3, 1, "Coffee", 2'000);              // active, no stock
  add_product(4, 1, "Milk", 2'000, true, 5);
  ASSERT_EQ(post("/internal/reservations",
                 R"({"reservation_id":"o1","lines":[{"product_id":4,"quantity":5}]})")
                .status,
            201);
  ASSERT_EQ(post("/internal/reservations",
                 R"({"reservation_id":"o2","lines":[{"product_id":1,"quantity":1}]})")
                .status,
            201);
  ASSERT_EQ(post("/internal/reservations/o2/confirm", "").status, 200);
  auto r = admin(method::get, "/admin/stats");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = parse(r);
  EXPECT_EQ(o.at("products_active").as_int64(), 3);
  EXPECT_EQ(o.at("products_out_of_stock").as_int64(), 2);  // Coffee, and Milk all reserved
  EXPECT_EQ(o.at("reservations_held").as_int64(), 1);
  EXPECT_EQ(o.at("units_available").as_int64(), 2);
}

TEST_F(admin_routes, a_database_outage_is_503) {
  db->fail_with = sql::errc::timeout;
  for (const auto& [verb, target, body] : admin_calls) {
    auto r = admin(verb, target, body);
    EXPECT_EQ(r.status, 503) << target << " " << r.body;
    EXPECT_EQ(error_code(r), "unavailable") << target;
  }
  db->fail_with.reset();
}

}  // namespace
}  // namespace qm::test
