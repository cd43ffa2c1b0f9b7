// The product store's suite, run unchanged on SQLite and on PostgreSQL: catalogue, admin
// changes with the stock ledger, and reservations (all lines or none, idempotency,
// tombstones, expiry) with the stock invariant checked on each engine. On PostgreSQL,
// reservations race on real concurrent transactions and still never oversell.

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/migrations.hpp"
#include "services/product/store.hpp"
#include "tests/integration/storage/test_databases.hpp"

namespace qm::test {
namespace {

using product::reservation_status;
using product::reserve_outcome;

constexpr std::int64_t now_s = 1'800'000'000;
constexpr std::int64_t ttl_s = 600;

product::reserve_input reservation(std::string id,
                                   std::vector<product::line_request> lines) {
  auto normalized = product::normalize_lines(std::move(lines));
  QM_ASSERT(normalized.ok());
  return product::reserve_input{std::move(id), std::move(*normalized)};
}

class product_store_engines : public store_engines_fixture<product::product_store> {
 protected:
  product_store_engines() : store_engines_fixture(product::product_migrations()) {}

  void SetUp() override {
    store_engines_fixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    seed();
  }

  void TearDown() override {
    if (store_) {
      expect_balanced();
    }
  }

  // Category 1; products 1 (10 units), 2 (3 units), 3 (inactive, 5 units) through the store.
  void seed() {
    ASSERT_EQ(*run(store().create_category({1, "Dairy"})), product::create_outcome::created);
    add(1, "Toned Milk", 2'700, 10);
    add(2, "Paneer", 9'000, 3);
    add(3, "Curd", 4'000, 5);
    ASSERT_TRUE(run(store().deactivate(3)).ok());
  }

  void add(std::int64_t id, std::string name, std::int64_t price, std::int64_t stock) {
    product::new_product_input in{1, std::move(name), "about", price, stock};
    auto made = run(store().create_product(id, in, 1000 + id, now_s));
    ASSERT_TRUE(made.ok()) << made.error().message;
    ASSERT_EQ(made->first, product::create_outcome::created);
  }

  std::int64_t available(std::int64_t id) {
    auto rows = query("SELECT available FROM stock WHERE product_id = $1", {id});
    EXPECT_TRUE(rows.ok());
    return rows.ok() && !rows->empty() ? rows->front().get_int(0) : -1;
  }

  product::reserve_result reserve(product::reserve_input in, std::int64_t at_s = now_s) {
    auto r = run(store().reserve(std::move(in), at_s, at_s + ttl_s));
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? std::move(*r) : product::reserve_result{};
  }

  // available + held + confirmed == initial + restocked and available >= 0, per product, from
  // the database alone (the checker's query).
  void expect_balanced() {
    auto rows = query(
        "SELECT m.product_id, m.received, COALESCE(s.available, 0), "
        "CAST(COALESCE((SELECT SUM(l.quantity) FROM reservation_lines l "
        "JOIN reservations r ON r.id = l.reservation_id "
        "WHERE l.product_id = m.product_id AND r.status IN ('held', 'confirmed')), 0) AS BIGINT) "
        "FROM (SELECT product_id, CAST(SUM(quantity) AS BIGINT) AS received "
        "FROM stock_movements GROUP BY product_id) m "
        "LEFT JOIN stock s ON s.product_id = m.product_id ORDER BY m.product_id");
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    EXPECT_FALSE(rows->empty());
    for (const auto& r : rows->data) {
      EXPECT_GE(r.get_int(2), 0) << "product " << r.get_int(0);
      EXPECT_EQ(r.get_int(2) + r.get_int(3), r.get_int(1)) << "product " << r.get_int(0);
    }
  }
};

TEST_P(product_store_engines, migrations_are_recorded_and_idempotent) {
  EXPECT_EQ(engine_->storage().engine(), GetParam());
  auto again = run(rt::apply_migrations(engine_->storage(), product::product_migrations()));
  ASSERT_TRUE(again.ok()) << again.error().message;
  auto recorded = query("SELECT version, name FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(recorded.ok());
  ASSERT_EQ(recorded->size(), product::product_migrations().size());
  EXPECT_EQ(recorded->data[1].get_text(1), "product_reservations");
  EXPECT_EQ(recorded->data[2].get_text(1), "product_reservation_check_without_in_list");
  EXPECT_EQ(available(1), 10);
}

TEST_P(product_store_engines, catalogue_reads) {
  product::listing_query q;
  q.search = "MILK";
  auto found = run(store().list_products(q));
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->items.has_value());
  ASSERT_EQ(found->items->size(), 1u);
  EXPECT_EQ(found->items->front().name, "Toned Milk");
  auto detail = run(store().find_active(2));
  ASSERT_TRUE(detail.ok());
  ASSERT_TRUE(detail->has_value());
  EXPECT_EQ((*detail)->available, 3);
  auto inactive = run(store().find_active(3));
  ASSERT_TRUE(inactive.ok());
  EXPECT_FALSE(inactive->has_value());
  auto many = run(store().find_many({3, 99, 1}));
  ASSERT_TRUE(many.ok()) << many.error().message;
  ASSERT_EQ(many->size(), 2u);
  EXPECT_EQ((*many)[0].id, 1);
  EXPECT_TRUE((*many)[0].active);
  EXPECT_EQ((*many)[1].id, 3);
  EXPECT_FALSE((*many)[1].active);
  EXPECT_EQ((*many)[1].available, 5);
  // One row per product, ascending, whatever order or repeats the ids came in.
  auto repeated = run(store().find_many({3, 2, 3, 1}));
  ASSERT_TRUE(repeated.ok()) << repeated.error().message;
  ASSERT_EQ(repeated->size(), 3u);
  EXPECT_EQ((*repeated)[0].id, 1);
  EXPECT_EQ((*repeated)[1].id, 2);
  EXPECT_EQ((*repeated)[2].id, 3);
  EXPECT_EQ((*repeated)[1].available, 3);
  // Batches past the usual sizes (the store keeps the statements for up to 16 ids ready), up
  // to the largest allowed, find the same rows.
  for (const std::int64_t batch :
       {std::int64_t{16}, std::int64_t{17}, static_cast<std::int64_t>(product::max_batch_ids)}) {
    std::vector<std::int64_t> ids;
    for (std::int64_t id = batch; id >= 1; --id) {
      ids.push_back(id);
    }
    auto wide = run(store().find_many(ids));
    ASSERT_TRUE(wide.ok()) << wide.error().message;
    ASSERT_EQ(wide->size(), 3u) << batch << " ids";
    EXPECT_EQ((*wide)[0].id, 1);
    EXPECT_EQ((*wide)[2].id, 3);
    EXPECT_EQ((*wide)[2].available, 5);
  }
}

// Every change to what the listing shows raises the catalogue version in its transaction;
// stock changes do not. A listing at the version the caller knows reads no rows.
TEST_P(product_store_engines, the_catalogue_version_moves_with_listed_changes_only) {
  const auto version_now = [this] {
    auto read = run(store().list_products(product::listing_query{}));
    EXPECT_TRUE(read.ok()) << read.error().message;
    return read.ok() ? read->catalogue_version : -1;
  };
  const std::int64_t seeded = version_now();
  auto same = run(store().list_products(product::listing_query{}, seeded));
  ASSERT_TRUE(same.ok()) << same.error().message;
  EXPECT_EQ(same->catalogue_version, seeded);
  EXPECT_FALSE(same->items.has_value());

  // Not listed: restocks, reservations, categories, and changes that find nothing to change.
  ASSERT_TRUE(run(store().restock(2, 7, 77, now_s)).ok());
  ASSERT_EQ(reserve(reservation("r", {{1, 2}})).outcome, reserve_outcome::created);
  ASSERT_TRUE(run(store().create_category({5, "Frozen"})).ok());
  product::product_patch price;
  price.price_paise = 3'100;
  EXPECT_EQ(run(store().update_product(99, price))->outcome, product::update_outcome::not_found);
  ASSERT_TRUE(run(store().deactivate(99)).ok());
  EXPECT_EQ(version_now(), seeded);

  // Listed: each raises it once, and the page read at the new version shows the change.
  ASSERT_TRUE(run(store().update_product(2, price)).ok());
  EXPECT_EQ(version_now(), seeded + 1);
  product::new_product_input ghee{1, "Ghee", "", 55'000, 4};
  ASSERT_TRUE(run(store().create_product(8, ghee, 1008, now_s)).ok());
  EXPECT_EQ(version_now(), seeded + 2);
  ASSERT_TRUE(run(store().deactivate(1)).ok());
  auto after = run(store().list_products(product::listing_query{}, seeded + 2));
  ASSERT_TRUE(after.ok()) << after.error().message;
  EXPECT_EQ(after->catalogue_version, seeded + 3);
  ASSERT_TRUE(after->items.has_value());
  std::vector<std::int64_t> listed;
  for (const auto& p : *after->items) {
    listed.push_back(p.id);
    if (p.id == 2) {
      EXPECT_EQ(p.price_paise, 3'100);
    }
  }
  EXPECT_EQ(listed, (std::vector<std::int64_t>{2, 8}));
}

TEST_P(product_store_engines, admin_changes_and_the_ledger) {
  EXPECT_EQ(*run(store().create_category({2, "Dairy"})), product::create_outcome::name_taken);
  EXPECT_EQ(*run(store().create_category({1, "Other"})), product::create_outcome::id_taken);
  product::new_product_input orphan{99, "X", "", 1, 0};
  EXPECT_EQ(run(store().create_product(9, orphan, 9, now_s))->first,
            product::create_outcome::no_such_category);
  product::product_patch patch;
  patch.price_paise = 3'000;
  patch.active = true;
  auto updated = run(store().update_product(3, patch));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  ASSERT_EQ(updated->outcome, product::update_outcome::updated);
  EXPECT_EQ(updated->item->item.price_paise, 3'000);
  EXPECT_EQ(updated->item->item.name, "Curd");
  EXPECT_TRUE(updated->item->active);
  EXPECT_EQ(run(store().update_product(99, patch))->outcome, product::update_outcome::not_found);
  auto restocked = run(store().restock(2, 7, 77, now_s));
  ASSERT_TRUE(restocked.ok()) << restocked.error().message;
  EXPECT_EQ(**restocked, 10);
  EXPECT_FALSE(run(store().restock(99, 7, 78, now_s))->has_value());
  product::admin_listing_query all;
  all.include_inactive = true;
  ASSERT_TRUE(run(store().deactivate(1)).ok());
  auto listed = run(store().list_admin(all));
  ASSERT_TRUE(listed.ok()) << listed.error().message;
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_FALSE((*listed)[0].active);
  all.include_inactive = false;
  EXPECT_EQ(run(store().list_admin(all))->size(), 2u);
  auto stats = run(store().stats());
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->products_active, 2);
  EXPECT_EQ(stats->units_available, 15);
  EXPECT_EQ(stats->products_out_of_stock, 0);
}

TEST_P(product_store_engines, a_reservation_is_all_lines_or_none) {
  auto short_one = reserve(reservation("o1", {{1, 4}, {2, 4}}));
  EXPECT_EQ(short_one.outcome, reserve_outcome::insufficient_stock);
  EXPECT_EQ(short_one.shortages, (std::vector<product::shortage>{{2, 4, 3}}));
  EXPECT_EQ(available(1), 10);  // the line that fitted took nothing
  auto inactive = reserve(reservation("o1", {{1, 1}, {3, 1}, {50, 1}}));
  EXPECT_EQ(inactive.outcome, reserve_outcome::product_unavailable);
  EXPECT_EQ(inactive.unavailable_product_ids, (std::vector<std::int64_t>{3, 50}));
  EXPECT_EQ(available(1), 10);
  auto rows = query("SELECT COUNT(*) FROM reservations");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->front().get_int(0), 0);

  auto made = reserve(reservation("o1", {{2, 3}, {1, 4}}));
  ASSERT_EQ(made.outcome, reserve_outcome::created);
  EXPECT_EQ(made.stored.status, reservation_status::held);
  EXPECT_EQ(made.stored.expires_at, now_s + ttl_s);
  EXPECT_EQ(made.stored.subtotal_paise(), 4 * 2'700 + 3 * 9'000);
  EXPECT_EQ(available(1), 6);
  EXPECT_EQ(available(2), 0);
  auto again = reserve(reservation("o1", {{1, 4}, {2, 3}}));
  EXPECT_EQ(again.outcome, reserve_outcome::existing);
  EXPECT_EQ(again.stored.lines.size(), 2u);
  EXPECT_EQ(available(1), 6);
  EXPECT_EQ(reserve(reservation("o1", {{1, 4}})).outcome, reserve_outcome::conflict);
  auto found = run(store().find_reservation("o1"));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->lines[1].name, "Paneer");
}

TEST_P(product_store_engines, a_decrement_that_would_go_negative_is_refused) {
  // The store's conditional decrement changes no row when the stock is short.
  auto short_update = run(rt::transact_value<std::int64_t>(
      engine_->storage(), seconds(10), [](sql::transaction& tx) {
        return tx
            .exec("UPDATE stock SET available = available - $1 WHERE product_id = $2 AND available >= $1",
                  {std::int64_t{4}, std::int64_t{2}})
            .affected;
      }));
  ASSERT_TRUE(short_update.ok()) << short_update.error().message;
  EXPECT_EQ(*short_update, 0);
  // And the schema refuses an unconditional one outright.
  auto negative = exec("UPDATE stock SET available = available - $1 WHERE product_id = $2",
                       {std::int64_t{4}, std::int64_t{2}});
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.error().code, sql::errc::constraint_violation) << negative.error().message;
  EXPECT_EQ(available(2), 3);
}

TEST_P(product_store_engines, confirm_release_tombstone_and_expiry) {
  ASSERT_EQ(reserve(reservation("held", {{1, 2}})).outcome, reserve_outcome::created);
  ASSERT_EQ(reserve(reservation("conf", {{1, 3}})).outcome, reserve_outcome::created);
  EXPECT_EQ(**run(store().confirm("conf", now_s)), reservation_status::confirmed);
  EXPECT_EQ(**run(store().confirm("conf", now_s)), reservation_status::confirmed);
  EXPECT_FALSE(run(store().confirm("nope", now_s))->has_value());
  EXPECT_EQ(available(1), 5);

  // The sweep expires only what is due, once; the confirmed one stays.
  EXPECT_EQ(*run(store().sweep_expired(now_s + ttl_s - 1)), 0);
  EXPECT_EQ(*run(store().sweep_expired(now_s + ttl_s)), 1);
  EXPECT_EQ(*run(store().sweep_expired(now_s + ttl_s)), 0);
  EXPECT_EQ(available(1), 7);
  EXPECT_EQ(**run(store().confirm("held", now_s + ttl_s)), reservation_status::expired);
  EXPECT_EQ(*run(store().release("held", now_s + ttl_s)), reservation_status::expired);

  // Releasing a confirmed reservation gives its units back, once.
  EXPECT_EQ(*run(store().release("conf", now_s)), reservation_status::released);
  EXPECT_EQ(*run(store().release("conf", now_s)), reservation_status::released);
  EXPECT_EQ(available(1), 10);

  // A release before the reserve leaves a tombstone the reserve cannot pass.
  EXPECT_EQ(*run(store().release("late", now_s)), reservation_status::released);
  EXPECT_EQ(reserve(reservation("late", {{1, 1}})).outcome, reserve_outcome::released);
  EXPECT_EQ(available(1), 10);

  // Lazy expiry on confirm, before any sweep.
  ASSERT_EQ(reserve(reservation("lazy", {{2, 3}})).outcome, reserve_outcome::created);
  EXPECT_EQ(**run(store().confirm("lazy", now_s + ttl_s + 5)), reservation_status::expired);
  EXPECT_EQ(available(2), 3);
}

TEST_P(product_store_engines, concurrent_reservations_never_oversell) {
  // 12 reservations of 1 unit each race for product 2's 3 units (and product 1's 10); on
  // PostgreSQL they run on parallel connections.
  const auto outcomes =
      run_racing<product::db_result<product::reserve_result>>(engine_->loop(), 12, [&](std::size_t i) {
        return store().reserve(reservation("race-" + std::to_string(i), {{1, 1}, {2, 1}}), now_s,
                               now_s + ttl_s);
      });
  int created = 0;
  for (const auto& o : outcomes) {
    ASSERT_TRUE(o.has_value());
    ASSERT_TRUE(o->ok()) << o->error().message;
    if ((*o)->outcome == reserve_outcome::created) {
      ++created;
    } else {
      EXPECT_EQ((*o)->outcome, reserve_outcome::insufficient_stock);
    }
  }
  EXPECT_EQ(created, 3);
  EXPECT_EQ(available(2), 0);
  EXPECT_EQ(available(1), 7);
}

INSTANTIATE_TEST_SUITE_P(engines, product_store_engines, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });


// A database at version 2 with two reservations: migration 3 rebuilds the reservation's
// status column (reservation_lines refers to reservations, so the table itself stays).
class product_store_migration_v3 : public migrated_engine_fixture {
 protected:
  product_store_migration_v3()
      : migrated_engine_fixture(product::product_migrations().first(2)) {}
};

TEST_P(product_store_migration_v3, keeps_reservations_and_still_refuses_unknown_statuses) {
  {
    // The catalogue as plain SQL (the store's admin writes follow the newest schema); the
    // reservations through the store, whose statements version 2 already runs.
    ASSERT_TRUE(exec("INSERT INTO categories (id, name) VALUES (1, 'Dairy')").ok());
    ASSERT_TRUE(exec("INSERT INTO products (id, category_id, name, description, price_paise, "
                     "active, created_at) VALUES (1, 1, 'Toned Milk', 'about', 2700, 1, $1)",
                     {now_s})
                    .ok());
    ASSERT_TRUE(exec("INSERT INTO stock (product_id, available) VALUES (1, 10)").ok());
    ASSERT_TRUE(exec("INSERT INTO stock_movements (product_id, movement_id, kind, quantity, "
                     "created_at) VALUES (1, 1001, 'initial', 10, $1)",
                     {now_s})
                    .ok());
    product::product_store before(engine_->storage(), seconds(10));
    auto held = run(before.reserve(reservation("held", {{1, 2}}), now_s, now_s + ttl_s));
    ASSERT_TRUE(held.ok()) << held.error().message;
    auto conf = run(before.reserve(reservation("conf", {{1, 3}}), now_s, now_s + ttl_s));
    ASSERT_TRUE(conf.ok()) << conf.error().message;
    ASSERT_TRUE(run(before.confirm("conf", now_s)).ok());
  }
  auto migrated = run(rt::apply_migrations(engine_->storage(), product::product_migrations()));
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;

  product::product_store store(engine_->storage(), seconds(10));
  auto conf = run(store.find_reservation("conf"));
  ASSERT_TRUE(conf.ok()) << conf.error().message;
  ASSERT_TRUE(conf->has_value());
  EXPECT_EQ((*conf)->status, reservation_status::confirmed);
  ASSERT_EQ((*conf)->lines.size(), 1u);
  EXPECT_EQ((*conf)->lines.front().quantity, 3);
  // The expiry sweep still finds the held one by status, and only it.
  EXPECT_EQ(*run(store.sweep_expired(now_s + ttl_s)), 1);
  EXPECT_EQ(**run(store.confirm("held", now_s + ttl_s)), reservation_status::expired);
  EXPECT_EQ(reserve_outcome::created,
            run(store.reserve(reservation("new", {{1, 1}}), now_s, now_s + ttl_s))->outcome);
  EXPECT_EQ((*run(store.find_reservation("new")))->status, reservation_status::held);

  // The new constraint refuses what the old one did; a line still needs its reservation.
  EXPECT_FALSE(exec("UPDATE reservations SET status = 'lost' WHERE id = 'conf'").ok());
  EXPECT_FALSE(exec("UPDATE reservations SET status = NULL WHERE id = 'conf'").ok());
  EXPECT_FALSE(exec("INSERT INTO reservation_lines (reservation_id, product_id, quantity, name, "
                    "price_paise) VALUES ('nowhere', 1, 1, 'Toned Milk', 2700)")
                   .ok());
  ASSERT_TRUE(
      run(rt::apply_migrations(engine_->storage(), product::product_migrations())).ok());
}

INSTANTIATE_TEST_SUITE_P(engines, product_store_migration_v3, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace qm::test
