// The delivery store's suite, run unchanged on SQLite and on PostgreSQL: same statements, same
// outcomes, and no partner ever carries two orders at once.

#include <string>

#include <gtest/gtest.h>

#include "runtime/migrations.hpp"
#include "services/delivery/store.hpp"
#include "tests/integration/storage/test_databases.hpp"

namespace qm::test {
namespace {

using delivery::assignment_status;
using delivery::delivery_migrations;
using delivery::geo_point;
using delivery::move_outcome;
using delivery::partner_status;

constexpr std::int64_t now_s = 1'800'000'000;
const geo_point store_at{12.9716, 77.5946};

delivery::new_assignment_input order(std::int64_t order_id, std::int64_t user_id = 900) {
  return delivery::new_assignment_input{order_id, user_id, geo_point{12.99, 77.61}};
}

class delivery_store_engines : public store_engines_fixture<delivery::delivery_store> {
 protected:
  delivery_store_engines() : store_engines_fixture(delivery_migrations()) {}

  // A partner at p, available unless said otherwise.
  void add_partner(std::int64_t id, geo_point p, bool available = true) {
    auto made = run(store().upsert_partner(id, "Partner " + std::to_string(id), p, now_s));
    ASSERT_TRUE(made.ok()) << made.error().message;
    if (available) {
      auto on = run(store().set_availability(id, partner_status::available, now_s));
      ASSERT_TRUE(on.ok()) << on.error().message;
      ASSERT_EQ(on->first, delivery::availability_outcome::changed);
    }
  }

  partner_status status_of(std::int64_t id) {
    auto p = run(store().find_partner(id));
    EXPECT_TRUE(p.ok() && p->has_value());
    return p.ok() && p->has_value() ? (*p)->status : partner_status::offline;
  }

  delivery::placement place(std::int64_t order_id, std::int64_t at_s = now_s) {
    auto placed = run(store().place_order(order(order_id), store_at, at_s));
    EXPECT_TRUE(placed.ok()) << placed.error().message;
    return placed.ok() ? *placed : delivery::placement{};
  }
};

TEST_P(delivery_store_engines, engine_reports_its_name) {
  EXPECT_EQ(engine_->storage().engine(), GetParam());
}

TEST_P(delivery_store_engines, a_partner_is_created_offline_then_updated) {
  auto made = run(store().upsert_partner(42, "Asha", {12.5, 77.25}, now_s));
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->id, 42);
  EXPECT_EQ(made->status, partner_status::offline);
  EXPECT_EQ(made->at, (geo_point{12.5, 77.25}));
  auto updated = run(store().upsert_partner(42, "Asha K", {12.971598765432, -77.5}, now_s + 5));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->name, "Asha K");
  EXPECT_EQ(updated->created_at, now_s);
  EXPECT_EQ(updated->updated_at, now_s + 5);
  // Positions come back as the same doubles on both engines.
  EXPECT_EQ(updated->at, (geo_point{12.971598765432, -77.5}));

  auto moved = run(store().update_location(42, {13.0, 77.0}, now_s + 9));
  ASSERT_TRUE(moved.ok());
  ASSERT_TRUE(moved->has_value());
  EXPECT_EQ((*moved)->at, (geo_point{13.0, 77.0}));
  auto nobody = run(store().update_location(43, {13.0, 77.0}, now_s));
  ASSERT_TRUE(nobody.ok());
  EXPECT_FALSE(nobody->has_value());
}

TEST_P(delivery_store_engines, availability_moves_between_available_and_offline_only) {
  auto missing = run(store().set_availability(5, partner_status::available, now_s));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->first, delivery::availability_outcome::not_found);
  add_partner(5, store_at);
  auto again = run(store().set_availability(5, partner_status::available, now_s));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->first, delivery::availability_outcome::unchanged);
  ASSERT_EQ(place(1).placed.partner_id, 5);
  auto off = run(store().set_availability(5, partner_status::offline, now_s));
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->first, delivery::availability_outcome::busy);
  EXPECT_EQ(status_of(5), partner_status::busy);
}

TEST_P(delivery_store_engines, the_nearest_available_partner_is_claimed_ties_to_lowest_id) {
  add_partner(30, {12.98, 77.60});
  add_partner(20, {12.98, 77.60});
  add_partner(10, {13.20, 77.90});
  add_partner(5, store_at, false);
  auto first = place(100);
  EXPECT_TRUE(first.newly_assigned);
  EXPECT_EQ(first.placed.status, assignment_status::assigned);
  EXPECT_EQ(first.placed.partner_id, 20);
  EXPECT_EQ(first.placed.assigned_at, now_s);
  EXPECT_EQ(first.placed.user_id, 900);
  EXPECT_EQ(first.placed.destination, (geo_point{12.99, 77.61}));
  EXPECT_EQ(place(101).placed.partner_id, 30);
  EXPECT_EQ(place(102).placed.partner_id, 10);
  auto none = place(103);
  EXPECT_FALSE(none.newly_assigned);
  EXPECT_EQ(none.placed.status, assignment_status::waiting);
  EXPECT_FALSE(none.placed.partner_id.has_value());
  EXPECT_EQ(status_of(5), partner_status::offline);
}

TEST_P(delivery_store_engines, placing_an_order_twice_stores_it_once) {
  add_partner(1, store_at);
  add_partner(2, {12.99, 77.62});
  auto first = place(7);
  auto second = place(7, now_s + 60);
  EXPECT_TRUE(first.newly_assigned);
  EXPECT_FALSE(second.newly_assigned);
  EXPECT_EQ(second.placed.partner_id, 1);
  EXPECT_EQ(second.placed.created_at, now_s);
  EXPECT_EQ(status_of(2), partner_status::available);
}

TEST_P(delivery_store_engines, the_queue_is_served_oldest_first) {
  add_partner(1, store_at, false);
  ASSERT_EQ(place(9, now_s).placed.status, assignment_status::waiting);
  ASSERT_EQ(place(8, now_s + 1).placed.status, assignment_status::waiting);
  auto nobody = run(store().assign_oldest_waiting(store_at, now_s + 2));
  ASSERT_TRUE(nobody.ok());
  EXPECT_EQ(nobody->outcome, delivery::queue_outcome::no_partner);

  ASSERT_TRUE(run(store().set_availability(1, partner_status::available, now_s + 2)).ok());
  // A new order does not jump the queue while older ones wait.
  EXPECT_EQ(place(7, now_s + 3).placed.status, assignment_status::waiting);
  auto step = run(store().assign_oldest_waiting(store_at, now_s + 4));
  ASSERT_TRUE(step.ok()) << step.error().message;
  ASSERT_EQ(step->outcome, delivery::queue_outcome::assigned);
  EXPECT_EQ(step->taken->order_id, 9);
  EXPECT_EQ(step->taken->partner_id, 1);
  EXPECT_EQ(step->taken->assigned_at, now_s + 4);
  auto stats = run(store().stats());
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->orders_waiting, 2);
  EXPECT_EQ(stats->active_assignments, 1);
}

TEST_P(delivery_store_engines, pickup_and_delivery_free_the_partner) {
  add_partner(3, store_at);
  ASSERT_EQ(place(50).placed.partner_id, 3);
  auto early = run(store().mark_delivered(50, 3, now_s));
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->outcome, move_outcome::illegal);
  auto stranger = run(store().mark_picked_up(50, 4, now_s));
  ASSERT_TRUE(stranger.ok());
  EXPECT_EQ(stranger->outcome, move_outcome::not_found);

  auto picked = run(store().mark_picked_up(50, 3, now_s + 10));
  ASSERT_TRUE(picked.ok());
  EXPECT_EQ(picked->outcome, move_outcome::done);
  EXPECT_EQ(picked->current->status, assignment_status::picked_up);
  EXPECT_EQ(picked->current->picked_up_at, now_s + 10);
  EXPECT_EQ(run(store().mark_picked_up(50, 3, now_s + 11))->outcome, move_outcome::already);

  auto delivered = run(store().mark_delivered(50, 3, now_s + 20));
  ASSERT_TRUE(delivered.ok());
  EXPECT_EQ(delivered->outcome, move_outcome::done);
  EXPECT_EQ(delivered->freed_partner, 3);
  EXPECT_EQ(delivered->current->delivered_at, now_s + 20);
  EXPECT_EQ(status_of(3), partner_status::available);
  EXPECT_EQ(run(store().mark_delivered(50, 3, now_s + 21))->outcome, move_outcome::already);

  auto mine = run(store().partner_assignments(3, delivery::page{}));
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].status, assignment_status::delivered);
}

TEST_P(delivery_store_engines, a_partners_list_shows_the_active_order_first_then_newest) {
  add_partner(3, store_at);
  for (std::int64_t order_id : {60, 61, 62}) {
    ASSERT_EQ(place(order_id, now_s + order_id).placed.partner_id, 3);
    ASSERT_EQ(run(store().mark_picked_up(order_id, 3, now_s + order_id))->outcome,
              move_outcome::done);
    ASSERT_EQ(run(store().mark_delivered(order_id, 3, now_s + 300 - order_id))->outcome,
              move_outcome::done);
  }
  ASSERT_EQ(place(59, now_s + 400).placed.partner_id, 3);
  auto mine = run(store().partner_assignments(3, delivery::page{}));
  ASSERT_TRUE(mine.ok()) << mine.error().message;
  ASSERT_EQ(mine->size(), 4u);
  // Active first; then by last change, newest first (62 was delivered before 61 and 60).
  EXPECT_EQ((*mine)[0].order_id, 59);
  EXPECT_EQ((*mine)[1].order_id, 60);
  EXPECT_EQ((*mine)[2].order_id, 61);
  EXPECT_EQ((*mine)[3].order_id, 62);
  auto second_page = run(store().partner_assignments(3, delivery::page{2, 2}));
  ASSERT_TRUE(second_page.ok());
  ASSERT_EQ(second_page->size(), 2u);
  EXPECT_EQ((*second_page)[0].order_id, 61);
  if (GetParam() == "sqlite") {
    // SQLite reads the page from the listing index instead of sorting the partner's history.
    auto plan = query(
        "EXPLAIN QUERY PLAN SELECT order_id FROM assignments WHERE partner_id = $1 "
        "ORDER BY CASE WHEN status IN ('assigned', 'picked_up') THEN 0 ELSE 1 END, "
        "updated_at DESC, order_id DESC LIMIT $2 OFFSET $3",
        {std::int64_t{3}, std::int64_t{20}, std::int64_t{0}});
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    std::string steps;
    for (const auto& r : plan->data) {
      steps += r.get_text(3) + "; ";
    }
    EXPECT_NE(steps.find("assignments_by_partner_listing"), std::string::npos) << steps;
    EXPECT_EQ(steps.find("TEMP B-TREE"), std::string::npos) << steps;
  }
}

TEST_P(delivery_store_engines, cancelling_frees_the_partner_and_leaves_tombstones) {
  add_partner(3, store_at);
  ASSERT_EQ(place(60).placed.partner_id, 3);
  auto cancelled = run(store().cancel(60, now_s + 5));
  ASSERT_TRUE(cancelled.ok()) << cancelled.error().message;
  EXPECT_EQ(cancelled->outcome, move_outcome::done);
  EXPECT_EQ(cancelled->freed_partner, 3);
  EXPECT_EQ(cancelled->current->cancelled_at, now_s + 5);
  EXPECT_EQ(status_of(3), partner_status::available);
  EXPECT_EQ(run(store().cancel(60, now_s + 6))->outcome, move_outcome::already);

  // Unknown: a tombstone, and a late hand-over of that order does not take a partner.
  auto tomb = run(store().cancel(61, now_s));
  ASSERT_TRUE(tomb.ok()) << tomb.error().message;
  EXPECT_EQ(tomb->outcome, move_outcome::done);
  EXPECT_FALSE(tomb->current->user_id.has_value());
  auto late = place(61);
  EXPECT_EQ(late.placed.status, assignment_status::cancelled);
  EXPECT_FALSE(late.newly_assigned);
  EXPECT_EQ(status_of(3), partner_status::available);

  ASSERT_EQ(place(62).placed.partner_id, 3);
  ASSERT_EQ(run(store().mark_picked_up(62, 3, now_s))->outcome, move_outcome::done);
  EXPECT_EQ(run(store().cancel(62, now_s))->outcome, move_outcome::illegal);
}

TEST_P(delivery_store_engines, reassignment_moves_the_order_between_partners) {
  add_partner(1, store_at);
  add_partner(2, {12.99, 77.62});
  add_partner(3, {12.99, 77.62}, false);
  ASSERT_EQ(place(70).placed.partner_id, 1);
  auto moved = run(store().reassign(70, 2, now_s + 1));
  ASSERT_TRUE(moved.ok()) << moved.error().message;
  EXPECT_EQ(moved->outcome, delivery::reassign_outcome::done);
  EXPECT_EQ(moved->freed_partner, 1);
  EXPECT_EQ(moved->current->partner_id, 2);
  EXPECT_EQ(status_of(1), partner_status::available);
  EXPECT_EQ(status_of(2), partner_status::busy);
  EXPECT_EQ(run(store().reassign(70, 2, now_s))->outcome, delivery::reassign_outcome::already);
  EXPECT_EQ(run(store().reassign(70, 3, now_s))->outcome,
            delivery::reassign_outcome::partner_unavailable);
  EXPECT_EQ(run(store().reassign(70, 4, now_s))->outcome,
            delivery::reassign_outcome::partner_not_found);
  EXPECT_EQ(run(store().reassign(71, 1, now_s))->outcome,
            delivery::reassign_outcome::order_not_found);
}

TEST_P(delivery_store_engines, a_partner_holds_one_active_assignment_whatever_the_sql) {
  add_partner(1, store_at);
  ASSERT_EQ(place(80).placed.partner_id, 1);
  auto second = exec(
      "INSERT INTO assignments (order_id, user_id, partner_id, dest_lat, dest_lon, status, "
      "created_at, assigned_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'assigned', $6, $6, $6)",
      {std::int64_t{81}, std::int64_t{900}, std::int64_t{1}, 12.9, 77.6, now_s});
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, sql::errc::unique_violation) << second.error().message;
  auto bad_status = exec(
      "UPDATE partners SET status = 'asleep' WHERE user_id = $1", {std::int64_t{1}});
  ASSERT_FALSE(bad_status.ok());
  EXPECT_EQ(bad_status.error().code, sql::errc::constraint_violation) << bad_status.error().message;
}

TEST_P(delivery_store_engines, two_orders_at_once_never_share_a_partner) {
  add_partner(1, store_at);
  // Both transactions start together; on PostgreSQL they run on two connections and race for
  // the one partner, on SQLite they serialise.
  std::optional<delivery::db_result<delivery::placement>> a;
  std::optional<delivery::db_result<delivery::placement>> b;
  task_scope scope;
  ASSERT_TRUE(scope.spawn(store_into(store().place_order(order(90), store_at, now_s), a)));
  ASSERT_TRUE(scope.spawn(store_into(store().place_order(order(91), store_at, now_s), b)));
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((!a || !b) && std::chrono::steady_clock::now() < give_up) {
    if (engine_->loop().stopped()) {
      engine_->loop().restart();
    }
    engine_->loop().run_one_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_TRUE(a->ok()) << a->error().message;
  ASSERT_TRUE(b->ok()) << b->error().message;
  EXPECT_NE((*a)->newly_assigned, (*b)->newly_assigned);
  auto stats = run(store().stats());
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->active_assignments, 1);
  EXPECT_EQ(stats->orders_waiting, 1);
  EXPECT_EQ(stats->partners_by_status.at("busy"), 1);
}

TEST_P(delivery_store_engines, partners_are_listed_by_id_and_counted) {
  add_partner(3, store_at);
  add_partner(1, store_at, false);
  add_partner(2, store_at);
  auto all = run(store().list_partners(std::nullopt, delivery::page{2, 0}));
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, 1);
  EXPECT_EQ((*all)[1].id, 2);
  auto rest = run(store().list_partners(std::nullopt, delivery::page{2, 2}));
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, 3);
  auto available = run(store().list_partners(partner_status::available, delivery::page{}));
  ASSERT_TRUE(available.ok());
  EXPECT_EQ(available->size(), 2u);
  auto stats = run(store().stats());
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->partners_by_status.at("available"), 2);
  EXPECT_EQ(stats->partners_by_status.at("offline"), 1);
  EXPECT_EQ(stats->partners_by_status.at("busy"), 0);
}

TEST_P(delivery_store_engines, tracking_shows_the_carrier) {
  add_partner(4, {12.975, 77.596});
  ASSERT_EQ(place(95).placed.partner_id, 4);
  auto view = run(store().tracking(95));
  ASSERT_TRUE(view.ok());
  ASSERT_TRUE(view->has_value());
  ASSERT_TRUE((*view)->carrier.has_value());
  EXPECT_EQ((*view)->carrier->id, 4);
  EXPECT_EQ((*view)->carrier->at, (geo_point{12.975, 77.596}));
  auto none = run(store().tracking(96));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST_P(delivery_store_engines, migrations_are_idempotent) {
  add_partner(1, store_at);
  for (int round = 0; round < 2; ++round) {
    auto again = run(rt::apply_migrations(engine_->storage(), delivery_migrations()));
    ASSERT_TRUE(again.ok()) << again.error().message;
  }
  EXPECT_EQ(status_of(1), partner_status::available);
}

INSTANTIATE_TEST_SUITE_P(engines, delivery_store_engines, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// A database at an older version (as a deployed delivery service left it), written with
// plain SQL since the store's statements follow the newest schema.
class delivery_migration_fixture : public migrated_engine_fixture {
 protected:
  explicit delivery_migration_fixture(std::size_t applied)
      : migrated_engine_fixture(delivery_migrations().first(applied)) {}

  // Partner 1 (Ravi), busy carrying order 10 for user 900.
  void add_busy_partner_with_order() {
    ASSERT_TRUE(exec("INSERT INTO partners (user_id, name, status, lat, lon, created_at, "
                     "updated_at) VALUES (1, 'Ravi', 'busy', 12.97, 77.59, $1, $1)",
                     {now_s})
                    .ok());
    ASSERT_TRUE(exec("INSERT INTO assignments (order_id, user_id, partner_id, dest_lat, dest_lon, "
                     "status, created_at, assigned_at, updated_at) "
                     "VALUES (10, 900, 1, 12.99, 77.61, 'assigned', $1, $1, $1)",
                     {now_s})
                    .ok());
  }
};

// Version 1, with assignments.
class delivery_store_migration : public delivery_migration_fixture {
 protected:
  delivery_store_migration() : delivery_migration_fixture(1) {}
};

TEST_P(delivery_store_migration, version_2_keeps_assignments_and_their_constraints) {
  add_busy_partner_with_order();
  ASSERT_TRUE(exec("INSERT INTO assignments (order_id, status, created_at, cancelled_at, "
                   "updated_at) VALUES (11, 'cancelled', $1, $1, $1)",
                   {now_s})
                  .ok());
  auto migrated = run(rt::apply_migrations(engine_->storage(), delivery_migrations()));
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;

  delivery::delivery_store store(engine_->storage(), seconds(10));
  auto active = run(store.find_assignment(10));
  ASSERT_TRUE(active.ok()) << active.error().message;
  ASSERT_TRUE(active->has_value());
  EXPECT_EQ((*active)->status, assignment_status::assigned);
  EXPECT_EQ((*active)->partner_id, 1);
  auto tombstone = run(store.find_assignment(11));
  ASSERT_TRUE(tombstone.ok());
  ASSERT_TRUE(tombstone->has_value());
  EXPECT_EQ((*tombstone)->status, assignment_status::cancelled);

  // The rewritten checks refuse what the old ones did, and a partner still carries one order.
  const std::string insert =
      "INSERT INTO assignments (order_id, user_id, partner_id, dest_lat, dest_lon, status, "
      "created_at, updated_at) VALUES ($1, 900, $2, 12.99, 77.61, $3, $4, $4)";
  const auto insert_ok = [&](sql::value partner_id, std::string status) {
    return exec(insert, {std::int64_t{12}, std::move(partner_id), std::move(status), now_s}).ok();
  };
  EXPECT_FALSE(insert_ok(std::int64_t{1}, "lost"));
  EXPECT_FALSE(insert_ok(std::int64_t{1}, "waiting"));
  EXPECT_FALSE(insert_ok(sql::null, "delivered"));
  EXPECT_FALSE(insert_ok(std::int64_t{1}, "picked_up"));  // partner 1 already carries order 10
  EXPECT_TRUE(insert_ok(std::int64_t{1}, "delivered"));
  EXPECT_FALSE(query("SELECT COUNT(*) FROM assignments_v1").ok());
}

INSTANTIATE_TEST_SUITE_P(engines, delivery_store_migration, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });


// A database at version 3, with a busy partner carrying an order: migration 4 rebuilds the
// partner's status column (assignments refers to partners, so the table itself stays).
class delivery_store_migration_v4 : public delivery_migration_fixture {
 protected:
  delivery_store_migration_v4() : delivery_migration_fixture(3) {}
};

TEST_P(delivery_store_migration_v4, keeps_partners_and_still_refuses_unknown_statuses) {
  add_busy_partner_with_order();
  auto migrated = run(rt::apply_migrations(engine_->storage(), delivery_migrations()));
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;

  delivery::delivery_store store(engine_->storage(), seconds(10));
  auto ravi = run(store.find_partner(1));
  ASSERT_TRUE(ravi.ok()) << ravi.error().message;
  ASSERT_TRUE(ravi->has_value());
  EXPECT_EQ((*ravi)->status, partner_status::busy);
  EXPECT_EQ((*ravi)->name, "Ravi");
  auto stats = run(store.stats());
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->partners_by_status.at("busy"), 1);
  EXPECT_EQ(stats->active_assignments, 1);

  // The new constraint refuses what the old one did; an assignment still needs its partner.
  EXPECT_FALSE(exec("UPDATE partners SET status = 'asleep' WHERE user_id = 1").ok());
  EXPECT_FALSE(exec("UPDATE partners SET status = NULL WHERE user_id = 1").ok());
  EXPECT_FALSE(exec("INSERT INTO assignments (order_id, user_id, partner_id, dest_lat, dest_lon, "
                    "status, created_at, assigned_at, updated_at) "
                    "VALUES (11, 900, 99, 12.99, 77.61, 'assigned', $1, $1, $1)",
                    {now_s})
                   .ok());
  // A new partner still starts offline, as the store writes it.
  ASSERT_TRUE(run(store.upsert_partner(2, "Meena", store_at, now_s)).ok());
  auto meena = run(store.find_partner(2));
  ASSERT_TRUE(meena.ok() && meena->has_value());
  EXPECT_EQ((*meena)->status, partner_status::offline);
  ASSERT_TRUE(run(rt::apply_migrations(engine_->storage(), delivery_migrations())).ok());
}

INSTANTIATE_TEST_SUITE_P(engines, delivery_store_migration_v4, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace qm::test
