#pragma once
// The product service hosted in-process for route tests: SQLite behind a switchable fault, a
// manual clock, a signed caller context for the admin routes, and direct SQL for seeding and
// for checking the stock invariant.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/identity/user_context.hpp"
#include "core/json/json.hpp"
#include "runtime/storage.hpp"
#include "services/product/store.hpp"
#include "tests/support/replies.hpp"
#include "tests/support/service_harness.hpp"

namespace qm::test {

inline const time_point product_t0 = from_unix_us(std::int64_t{1'750'000'000} * 1'000'000);
inline const std::string product_context_secret = "product-route-context-0123456789abcdefgh";

// Per product: the units the ledger says entered, and where they are now.
struct stock_account {
  std::int64_t received = 0;   // initial + restocked
  std::int64_t available = 0;
  std::int64_t reserved = 0;   // on held and confirmed reservations

  bool operator==(const stock_account&) const = default;
};

class product_host {
 public:
  manual_clock clock{product_t0};
  sim::prng random{7};
  in_process_http http;
  std::unique_ptr<faulty_storage> db = memory_storage();
  service_host product{"product", clock, random, http, db.get()};

  // Sets the settings every test needs (and any extra), then starts the service.
  bool start(std::map<std::string, std::string> extra = {}) {
    product.config().set("db_timeout_ms", "1500");
    product.config().set("context_secret", product_context_secret);
    for (auto& [k, v] : extra) {
      product.config().set(k, v);
    }
    return product.start();
  }

  sql::rows query(std::string statement, sql::params args = {}) {
    auto body = [&](sql::transaction& tx) { return tx.exec(statement, args); };
    auto done = run_now(rt::transact_value<sql::rows>(*db, seconds(1), body));
    EXPECT_TRUE(done.ok()) << statement << ": " << (done.ok() ? "" : done.error().message);
    return done.ok() ? std::move(*done) : sql::rows{};
  }

  void exec(std::string statement, sql::params args = {}) { query(std::move(statement), std::move(args)); }

  void add_category(std::int64_t id, std::string name) {
    exec("INSERT INTO categories (id, name) VALUES ($1, $2)", {id, std::move(name)});
  }

  // A product with, when available is given, a stock row and its initial ledger entry.
  void add_product(std::int64_t id, std::int64_t category_id, std::string name,
                   std::int64_t price_paise, bool active = true,
                   std::optional<std::int64_t> available = std::nullopt) {
    exec(
        "INSERT INTO products (id, category_id, name, description, price_paise, active, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {id, category_id, name, "about " + name, price_paise, std::int64_t{active ? 1 : 0},
         to_unix_seconds(product_t0)});
    // As the service's own writes do, so no listing page kept from before survives it.
    exec("UPDATE catalogue_version SET version = version + 1 WHERE id = 1");
    if (available) {
      exec("INSERT INTO stock (product_id, available) VALUES ($1, $2)", {id, *available});
      exec(
          "INSERT INTO stock_movements (product_id, movement_id, kind, quantity, created_at) "
          "VALUES ($1, 1, 'initial', $2, 0)",
          {id, *available});
    }
  }

  http::response send(http::method verb, std::string target, std::string body = {},
                      std::optional<std::string> role = std::nullopt) {
    auto req = make_request(verb, std::move(target), std::move(body));
    if (role) {
      const identity::user_context who{42, *role, to_unix_seconds(clock.now()) + 60, ""};
      req.headers.set(std::string(identity::context_header),
                      identity::sign(who, product_context_secret));
    }
    return product.handle(std::move(req));
  }

  http::response get(std::string target) { return send(http::method::get, std::move(target)); }
  http::response post(std::string target, std::string body) {
    return send(http::method::post, std::move(target), std::move(body));
  }
  http::response admin(http::method verb, std::string target, std::string body = {}) {
    return send(verb, std::move(target), std::move(body), std::string(identity::role_admin));
  }

  // A store on the service's database, as the sweep loop uses it.
  product::product_store store() { return product::product_store(*db, seconds(1)); }

  std::int64_t sweep(std::int64_t max_batch = product::max_sweep_batch) {
    auto s = store();
    auto done = run_now(s.sweep_expired(to_unix_seconds(clock.now()), max_batch));
    EXPECT_TRUE(done.ok());
    return done.ok() ? *done : -1;
  }

  std::int64_t available(std::int64_t product_id) {
    auto rows = query("SELECT available FROM stock WHERE product_id = $1", {product_id});
    return rows.empty() ? 0 : rows.front().get_int(0);
  }

  // The stock account of every product in the ledger, from product_db alone.
  std::map<std::int64_t, stock_account> accounts() {
    auto rows = query(
        "SELECT m.product_id, m.received, COALESCE(s.available, 0), "
        "CAST(COALESCE((SELECT SUM(l.quantity) FROM reservation_lines l "
        "JOIN reservations r ON r.id = l.reservation_id "
        "WHERE l.product_id = m.product_id AND r.status IN ('held', 'confirmed')), 0) AS BIGINT) "
        "FROM (SELECT product_id, CAST(SUM(quantity) AS BIGINT) AS received "
        "FROM stock_movements GROUP BY product_id) m "
        "LEFT JOIN stock s ON s.product_id = m.product_id ORDER BY m.product_id");
    std::map<std::int64_t, stock_account> out;
    for (const auto& r : rows.data) {
      out[r.get_int(0)] = stock_account{r.get_int(1), r.get_int(2), r.get_int(3)};
    }
    return out;
  }

  // available + held + confirmed == initial + restocked, and available >= 0, for every
  // product in the ledger.
  void expect_balanced() {
    for (const auto& [id, a] : accounts()) {
      EXPECT_GE(a.available, 0) << "product " << id;
      EXPECT_EQ(a.available + a.reserved, a.received) << "product " << id;
    }
  }
};

}  // namespace qm::test
