// Route-level tests of browsing: the real product service on SQLite, hosted in-process on a
// manual clock (tests/support/service_harness.hpp). Data is seeded with direct SQL.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/migrations.hpp"
#include "services/product/store.hpp"
#include "tests/unit/product/product_fixture.hpp"

namespace qm::test {
namespace {

const time_point t0 = product_t0;

class product_routes : public ::testing::Test, public product_host {
 protected:
  void SetUp() override { ASSERT_TRUE(start()); }

  // The ids of a 200 listing, in order.
  std::vector<std::int64_t> ids(const http::response& r) {
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::int64_t> out;
    auto o = parse(r);
    const auto* items = o.if_contains("items");
    if (items == nullptr || !items->is_array()) {
      ADD_FAILURE() << "no items array: " << r.body;
      return out;
    }
    for (const auto& item : items->as_array()) {
      out.push_back(item.as_object().at("id").as_int64());
    }
    return out;
  }

  std::vector<std::int64_t> list(std::string query = {}) {
    return ids(get("/products" + (query.empty() ? std::string() : "?" + query)));
  }

  // A small catalogue: two categories, products 1..5 in id order, one of them inactive.
  void seed_catalogue() {
    add_category(10, "Dairy");
    add_category(20, "Bakery");
    add_product(3, 10, "Toned Milk", 2'700, true, 40);
    add_product(1, 10, "Paneer", 9'000, true, 5);
    add_product(2, 20, "Brown Bread", 4'500);
    add_product(5, 20, "Milk Bread", 3'800, false, 8);
    add_product(4, 10, "Butter MILK", 1'500, true, 0);
  }
};

TEST_F(product_routes, categories_are_listed_by_name) {
  add_category(2, "Snacks");
  add_category(1, "Beverages");
  add_category(3, "Atta & Rice");
  auto r = get("/categories");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(ids(r), (std::vector<std::int64_t>{3, 1, 2}));
  EXPECT_EQ(parse(r).at("items").as_array().at(0).as_object().at("name").as_string(),
            "Atta & Rice");
}

TEST_F(product_routes, listing_shows_active_products_by_id_with_price_in_paise) {
  seed_catalogue();
  auto r = get("/products");
  EXPECT_EQ(ids(r), (std::vector<std::int64_t>{1, 2, 3, 4}));
  const auto o = parse(r);
  EXPECT_EQ(o.at("limit").as_int64(), 20);
  EXPECT_EQ(o.at("offset").as_int64(), 0);
  const auto& first = o.at("items").as_array().at(0).as_object();
  EXPECT_EQ(first.at("name").as_string(), "Paneer");
  EXPECT_EQ(first.at("category_id").as_int64(), 10);
  EXPECT_EQ(first.at("price_paise").as_int64(), 9'000);
  EXPECT_EQ(first.at("description").as_string(), "about Paneer");
}

TEST_F(product_routes, paging_walks_every_active_product_once) {
  add_category(1, "All");
  std::vector<std::int64_t> expected;
  for (std::int64_t id = 1; id <= 45; ++id) {
    const bool active = id % 7 != 0;
    add_product(id, 1, "item " + std::to_string(id), id * 100, active);
    if (active) {
      expected.push_back(id);
    }
  }
  std::vector<std::int64_t> seen;
  for (std::int64_t offset = 0; offset < 60; offset += 8) {
    const auto page = list("limit=8&offset=" + std::to_string(offset));
    EXPECT_LE(page.size(), 8U);
    seen.insert(seen.end(), page.begin(), page.end());
  }
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(list("limit=1&offset=0"), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(list("limit=100").size(), expected.size());
  EXPECT_EQ(list().size(), 20U);
  EXPECT_TRUE(list("offset=1000").empty());
}

TEST_F(product_routes, paging_bounds_are_enforced_with_a_400_naming_the_parameter) {
  seed_catalogue();
  for (const std::string query : {"limit=0", "limit=101", "limit=abc", "limit=-1"}) {
    auto r = get("/products?" + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(error_code(r), "invalid_parameter") << query;
    EXPECT_EQ(error_message(r).rfind("limit: ", 0), 0U) << query << " " << r.body;
  }
  for (const std::string query : {"offset=-1", "offset=x", "offset=1e3"}) {
    auto r = get("/products?" + query);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(error_message(r).rfind("offset: ", 0), 0U) << query << " " << r.body;
  }
  auto r = get("/products?category_id=dairy");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_message(r).rfind("category_id: ", 0), 0U) << r.body;
}

TEST_F(product_routes, search_is_case_insensitive_on_the_name) {
  seed_catalogue();
  EXPECT_EQ(list("q=milk"), (std::vector<std::int64_t>{3, 4}));  // 5 is inactive
  EXPECT_EQ(list("q=MiLk"), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(list("q=bread"), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(list("q=brown+bread"), (std::vector<std::int64_t>{2}));
  EXPECT_TRUE(list("q=cheese").empty());
  EXPECT_TRUE(list("q=about").empty());  // the description is not searched
}

TEST_F(product_routes, search_treats_percent_and_underscore_literally) {
  add_category(1, "Deals");
  add_product(1, 1, "50% off Rice", 10'000);
  add_product(2, 1, "500 g Rice", 9'000);
  add_product(3, 1, "Rice_Basmati", 12'000);
  add_product(4, 1, "Rice Basmati", 11'000);
  add_product(5, 1, "Back\\slash Oil", 20'000);
  EXPECT_EQ(list("q=50%25"), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(list("q=%25"), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(list("q=rice_"), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(list("q=_"), (std::vector<std::int64_t>{3}));
  EXPECT_EQ(list("q=k%5Cs"), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(list("q=rice").size(), 4U);
}

TEST_F(product_routes, category_filter_combines_with_search_and_paging) {
  seed_catalogue();
  EXPECT_EQ(list("category_id=10"), (std::vector<std::int64_t>{1, 3, 4}));
  EXPECT_EQ(list("category_id=20"), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(list("category_id=10&q=milk"), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(list("category_id=20&q=milk"), (std::vector<std::int64_t>{}));
  EXPECT_EQ(list("category_id=10&limit=1&offset=1"), (std::vector<std::int64_t>{3}));
  EXPECT_TRUE(list("category_id=99").empty());
}

TEST_F(product_routes, detail_includes_available_stock) {
  seed_catalogue();
  auto r = get("/products/3");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto o = parse(r);
  EXPECT_EQ(o.at("id").as_int64(), 3);
  EXPECT_EQ(o.at("name").as_string(), "Toned Milk");
  EXPECT_EQ(o.at("price_paise").as_int64(), 2'700);
  EXPECT_EQ(o.at("available").as_int64(), 40);
  // A product without a stock row has none to sell.
  auto bread = get("/products/2");
  ASSERT_EQ(bread.status, 200) << bread.body;
  EXPECT_EQ(parse(bread).at("available").as_int64(), 0);
}

TEST_F(product_routes, detail_of_an_inactive_or_unknown_product_is_404) {
  seed_catalogue();
  for (const std::string target : {"/products/5", "/products/999"}) {
    auto r = get(target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(error_code(r), "not_found") << target;
  }
  auto bad = get("/products/abc");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(error_message(bad).rfind("id: ", 0), 0U) << bad.body;
}

TEST_F(product_routes, an_unavailable_database_answers_503_with_retry_after) {
  seed_catalogue();
  for (const auto code : {sql::errc::unavailable, sql::errc::timeout}) {
    db->fail_with = code;
    for (const std::string target : {"/categories", "/products", "/products?q=milk", "/products/3"}) {
      auto r = get(target);
      EXPECT_EQ(r.status, 503) << target;
      EXPECT_EQ(error_code(r), "unavailable") << target;
      EXPECT_EQ(r.headers.get("Retry-After"), std::optional<std::string_view>("1")) << target;
    }
  }
  EXPECT_TRUE(product.log().saw("database unavailable request_id="));  // in the request's scope
  // Bad parameters are refused before the database is asked.
  const auto before = db->transactions;
  EXPECT_EQ(get("/products?limit=0").status, 400);
  EXPECT_EQ(db->transactions, before);
  db->fail_with.reset();
  EXPECT_EQ(list("q=milk"), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(db->last_timeout, ms(1500));
}

TEST_F(product_routes, stock_cannot_be_negative_in_the_schema) {
  add_category(1, "C");
  add_product(1, 1, "P", 100);
  auto done = run_now(db->transact(
      [](sql::transaction& tx) {
        tx.exec("INSERT INTO stock (product_id, available) VALUES ($1, $2)",
                {std::int64_t{1}, std::int64_t{-1}});
      },
      seconds(1)));
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, sql::errc::constraint_violation);
}

TEST(product_service, refuses_to_start_without_storage) {
  manual_clock clock{t0};
  sim::prng random{1};
  in_process_http http;
  service_host host{"product", clock, random, http, nullptr};
  host.config().set("context_secret", product_context_secret);
  EXPECT_FALSE(host.start());
  EXPECT_TRUE(host.log().saw("no storage"));
}

TEST(product_service, refuses_to_start_with_bad_settings) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"context_secret", ""},
      {"context_secret", "change-me"},
      {"db_timeout_ms", "0"},
      {"reservation_ttl_s", "0"},
      {"reservation_ttl_s", "86401"},
      {"reservation_sweep_ms", "0"},
      {"reservation_sweep_ms", "often"},
  };
  for (const auto& [key, value] : bad) {
    product_host h;
    h.product.config().set("context_secret", product_context_secret);
    h.product.config().set(key, value);
    EXPECT_FALSE(h.product.start()) << key << "=" << value;
    EXPECT_TRUE(h.product.log().saw(key)) << key << "=" << value;
  }
  product_host good;
  EXPECT_TRUE(good.start({{"reservation_ttl_s", "86400"}, {"reservation_sweep_ms", "1"}}));
  // The manual clock's sleep completes inline, so the sweep loop stands down instead of
  // spinning inside start(); tests sweep through the store.
  EXPECT_TRUE(good.product.log().saw("reservation sweep is not running"));
}

TEST(product_service, migrations_keep_existing_stock_in_the_ledger) {
  // A database at migration 1 with stock, then the service applies the rest.
  product_host h;
  ASSERT_TRUE(run_now(rt::apply_migrations(*h.db, product::product_migrations().first(1))).ok());
  h.add_category(1, "C");
  h.exec("INSERT INTO products (id, category_id, name, description, price_paise, active, "
         "created_at) VALUES (7, 1, 'P', '', 100, 1, 0)");
  h.exec("INSERT INTO stock (product_id, available) VALUES (7, 12)");
  ASSERT_TRUE(h.start());
  const auto accounts = h.accounts();
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts.at(7), (stock_account{12, 12, 0}));
  auto versions = h.query("SELECT version FROM schema_migrations ORDER BY version");
  ASSERT_EQ(versions.size(), product::product_migrations().size());
  EXPECT_EQ(versions.data[1].get_int(0), 2);
}

}  // namespace
}  // namespace qm::test
