// The order store's suite, run unchanged on SQLite and on PostgreSQL: checkout keys (unique
// per user and key, claimed once, completed or failed or retryable), payments, orders with
// their lines, the status machine's guarded moves, the outbox's delivery order and the
// origin (request id, traceparent) its rows remember, and migration 2 over a version 1
// database that already holds outbox rows.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/migrations.hpp"
#include "services/order/store.hpp"
#include "tests/integration/storage/test_databases.hpp"

namespace qm::test {
namespace {

using namespace qm::order;

constexpr std::int64_t now_s = 1'800'000'000;

order_record make_order(std::int64_t id, std::int64_t user_id, std::string reservation,
                        std::int64_t created_at = now_s) {
  order_record o;
  o.id = id;
  o.user_id = user_id;
  o.status = order_status::confirmed;
  o.lines = {order_line{11, "Milk 1L", 2, 5'000}, order_line{12, "Bread", 1, 4'000}};
  const totals t = price(o.lines);
  o.subtotal_paise = t.subtotal_paise;
  o.delivery_fee_paise = t.delivery_fee_paise;
  o.total_paise = t.total_paise;
  o.address = "12 MG Road, Bengaluru";
  o.location = {12.9352, 77.6245};
  o.reservation_id = std::move(reservation);
  o.created_at = created_at;
  o.updated_at = created_at;
  return o;
}

std::vector<outbox_row> rows_for(const order_record& o, std::int64_t first_id) {
  std::vector<outbox_row> rows;
  for (auto& m : checkout_messages(o)) {
    rows.push_back(outbox_row{first_id++, std::move(m), 0, {}});
  }
  return rows;
}

class order_store_engines : public store_engines_fixture<order_store> {
 protected:
  order_store_engines() : store_engines_fixture(order_migrations()) {}

  std::int64_t count(std::string statement, sql::params args = {}) {
    auto r = run(rt::transact_value<std::int64_t>(
        engine_->storage(), seconds(10),
        [statement = std::move(statement), args = std::move(args)](sql::transaction& tx) {
          return tx.exec(statement, args).front().get_int(0);
        }));
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : -1;
  }

  // Claims (user, key) and expects a new attempt; returns it.
  checkout_ref started(std::int64_t user, std::string key, std::int64_t at = now_s) {
    auto c = run(store().claim_checkout(user, std::move(key), "digest", at));
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    EXPECT_EQ(c.ok() ? c->kind : claim_kind::failed, claim_kind::started);
    return c.ok() ? c->ref : checkout_ref{};
  }
};

TEST_P(order_store_engines, engine_reports_its_name) {
  EXPECT_EQ(engine_->storage().engine(), GetParam());
}

TEST_P(order_store_engines, a_key_is_unique_per_user) {
  ASSERT_TRUE(exec("INSERT INTO checkouts (user_id, idem_key, state, attempt, reservation_id, "
                   "request_digest, claimed_at, updated_at) "
                   "VALUES (1, 'k', 'pending', 1, 'r1', 'd', 0, 0)")
                  .ok());
  auto duplicate = exec(
      "INSERT INTO checkouts (user_id, idem_key, state, attempt, reservation_id, request_digest, "
      "claimed_at, updated_at) VALUES (1, 'k', 'pending', 1, 'r2', 'd', 0, 0)");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, sql::errc::unique_violation);
  EXPECT_TRUE(exec("INSERT INTO checkouts (user_id, idem_key, state, attempt, reservation_id, "
                   "request_digest, claimed_at, updated_at) "
                   "VALUES (2, 'k', 'pending', 1, 'r3', 'd', 0, 0)")
                  .ok());
  // An unknown state is refused by the schema.
  auto odd = exec(
      "INSERT INTO checkouts (user_id, idem_key, state, attempt, reservation_id, request_digest, "
      "claimed_at, updated_at) VALUES (3, 'k', 'lost', 1, 'r4', 'd', 0, 0)");
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.error().code, sql::errc::constraint_violation);
}

TEST_P(order_store_engines, a_key_is_claimed_once_and_replays_its_outcome) {
  const checkout_ref ref = started(7, "key-1");
  EXPECT_EQ(ref.attempt, 1);
  EXPECT_EQ(ref.reservation_id.size(), 32u);
  auto second = run(store().claim_checkout(7, "key-1", "digest", now_s + 1));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->kind, claim_kind::in_progress);

  const order_record o = make_order(100, 7, ref.reservation_id);
  auto done = run(store().complete_checkout(ref, o, rows_for(o, 500), now_s + 2));
  ASSERT_TRUE(done.ok()) << done.error().message;
  EXPECT_EQ(*done, complete_outcome::completed);
  auto replay = run(store().claim_checkout(7, "key-1", "digest", now_s + 3));
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->kind, claim_kind::completed);
  EXPECT_EQ(replay->order_id, 100);
  // The same key with another request is refused, whatever the key's state.
  auto other = run(store().claim_checkout(7, "key-1", "another-digest", now_s + 3));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->kind, claim_kind::mismatch);
  // The same attempt cannot complete twice, and the order's (user, key) stays unique.
  auto again = run(store().complete_checkout(ref, make_order(101, 7, ref.reservation_id),
                                             rows_for(o, 600), now_s + 4));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, complete_outcome::lease_lost);
  EXPECT_EQ(count("SELECT COUNT(*) FROM orders"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 3);
}

TEST_P(order_store_engines, concurrent_first_claims_of_a_key_start_one_attempt) {
  // A client's retry arriving while its first request is still claiming: on PostgreSQL the
  // claims run on parallel connections, and the losers wait for the winner's insert, then read
  // its row. None may fail, and only one may start an attempt.
  const auto outcomes = run_racing<db_result<claim>>(engine_->loop(), 8, [&](std::size_t) {
    return store().claim_checkout(7, "race", "digest", now_s);
  });
  int started_count = 0;
  for (const auto& o : outcomes) {
    ASSERT_TRUE(o.has_value());
    ASSERT_TRUE(o->ok()) << o->error().message;
    if ((*o)->kind == claim_kind::started) {
      ++started_count;
      EXPECT_EQ((*o)->ref.attempt, 1);
    } else {
      EXPECT_EQ((*o)->kind, claim_kind::in_progress);
    }
  }
  EXPECT_EQ(started_count, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM checkouts WHERE user_id = 7 AND idem_key = 'race'"), 1);
}

TEST_P(order_store_engines, orders_round_trip_with_their_lines) {
  const checkout_ref ref = started(7, "rt");
  const order_record o = make_order(4242, 7, ref.reservation_id);
  ASSERT_TRUE(run(store().complete_checkout(ref, o, {}, now_s)).ok());
  auto found = run(store().find_order(4242));
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  const order_record& got = **found;
  EXPECT_EQ(got.user_id, 7);
  EXPECT_EQ(got.status, order_status::confirmed);
  ASSERT_EQ(got.lines.size(), 2u);
  EXPECT_EQ(got.lines[0].name, "Milk 1L");
  EXPECT_EQ(got.lines[0].quantity, 2);
  EXPECT_EQ(got.lines[1].price_paise, 4'000);
  EXPECT_EQ(got.subtotal_paise, 14'000);
  EXPECT_EQ(got.delivery_fee_paise, 2'000);
  EXPECT_EQ(got.total_paise, 16'000);
  EXPECT_EQ(got.address, o.address);
  EXPECT_DOUBLE_EQ(got.location.lat, 12.9352);
  EXPECT_DOUBLE_EQ(got.location.lon, 77.6245);
  EXPECT_FALSE(got.partner_id.has_value());
  EXPECT_EQ(got.reservation_id, ref.reservation_id);
  EXPECT_EQ(got.created_at, now_s);
  auto missing = run(store().find_order(1));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  // A colliding id writes nothing.
  const checkout_ref other = started(8, "rt");
  auto taken = run(store().complete_checkout(other, make_order(4242, 8, other.reservation_id), {},
                                             now_s));
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(*taken, complete_outcome::id_taken);
  EXPECT_EQ(count("SELECT COUNT(*) FROM checkouts WHERE state = 'pending'"), 1);
}

TEST_P(order_store_engines, ending_an_attempt_refunds_queues_the_release_and_frees_the_key) {
  const checkout_ref ref = started(7, "flaky");
  ASSERT_TRUE(run(store().record_payment(ref, payment_record{9001, 16'000, payment_status::captured},
                                         now_s))
                  .ok());
  outbox_row release{700, release_message(ref.reservation_id), 0, {}};
  auto ended = run(
      store().end_attempt(ref, std::nullopt, release, attempt_payment::possible, now_s + 1));
  ASSERT_TRUE(ended.ok()) << ended.error().message;
  EXPECT_TRUE(*ended);
  auto paid = run(store().find_payment(ref));
  ASSERT_TRUE(paid.ok());
  ASSERT_TRUE(paid->has_value());
  EXPECT_EQ((*paid)->status, payment_status::refunded);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE upstream = 'product' AND state = 'pending'"),
            1);
  // Ending it again (the recovery sweep arriving late) changes nothing.
  outbox_row late{701, release_message(ref.reservation_id), 0, {}};
  auto twice =
      run(store().end_attempt(ref, std::nullopt, late, attempt_payment::possible, now_s + 2));
  ASSERT_TRUE(twice.ok());
  EXPECT_FALSE(*twice);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 1);
  // The key is free again: a new attempt with a new reservation id.
  const checkout_ref next = started(7, "flaky", now_s + 3);
  EXPECT_EQ(next.attempt, 2);
  EXPECT_NE(next.reservation_id, ref.reservation_id);
  // A final refusal is replayed. This attempt never asked for a payment, and the first
  // attempt's refund stays as it was.
  auto refused = run(store().end_attempt(next, failure_reply{402, R"({"error":{}})"},
                                         std::nullopt, attempt_payment::none, now_s + 4));
  ASSERT_TRUE(refused.ok());
  EXPECT_TRUE(*refused);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments WHERE status = 'refunded'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments"), 1);
  auto replay = run(store().claim_checkout(7, "flaky", "digest", now_s + 5));
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->kind, claim_kind::failed);
  EXPECT_EQ(replay->failure_status, 402);
  EXPECT_EQ(replay->failure_body, R"({"error":{}})");
}

TEST_P(order_store_engines, stale_checkouts_are_the_pending_ones_past_the_cutoff) {
  started(1, "old", now_s - 100);
  started(2, "new", now_s);
  const checkout_ref done = started(3, "done", now_s - 100);
  ASSERT_TRUE(
      run(store().end_attempt(done, std::nullopt, std::nullopt, attempt_payment::possible, now_s))
          .ok());
  auto stale = run(store().stale_checkouts(now_s - 30, 10));
  ASSERT_TRUE(stale.ok()) << stale.error().message;
  ASSERT_EQ(stale->size(), 1u);
  EXPECT_EQ((*stale)[0].user_id, 1);
  EXPECT_EQ((*stale)[0].key, "old");
}

TEST_P(order_store_engines, payments_are_one_per_attempt) {
  const checkout_ref ref = started(7, "pay");
  ASSERT_TRUE(run(store().record_payment(ref, payment_record{1, 500, payment_status::declined},
                                         now_s))
                  .ok());
  auto second = run(store().record_payment(ref, payment_record{2, 500, payment_status::captured},
                                           now_s));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, sql::errc::unique_violation);
  auto found = run(store().find_payment(ref));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->status, payment_status::declined);
  EXPECT_EQ((*found)->amount_paise, 500);
}

TEST_P(order_store_engines, status_moves_follow_the_machine_and_write_their_outbox_rows) {
  const checkout_ref ref = started(7, "moves");
  ASSERT_TRUE(run(store().complete_checkout(ref, make_order(55, 7, ref.reservation_id), {}, now_s))
                  .ok());
  auto illegal = run(store().change_status(55, actor::delivery, order_status::delivered,
                                           std::nullopt, {1, 2, 3}, now_s + 1));
  ASSERT_TRUE(illegal.ok()) << illegal.error().message;
  EXPECT_EQ(illegal->outcome, change_outcome::illegal);
  // No pickup before the store has packed the order.
  auto early = run(store().change_status(55, actor::delivery, order_status::out_for_delivery,
                                         std::int64_t{31}, {16, 17, 18}, now_s + 1));
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(early->outcome, change_outcome::illegal);
  auto packed = run(store().change_status(55, actor::admin, order_status::packed, std::nullopt,
                                          {19, 20, 21}, now_s + 1));
  ASSERT_TRUE(packed.ok());
  EXPECT_EQ(packed->outcome, change_outcome::changed);
  auto picked = run(store().change_status(55, actor::delivery, order_status::out_for_delivery,
                                          std::int64_t{31}, {4, 5, 6}, now_s + 2));
  ASSERT_TRUE(picked.ok());
  EXPECT_EQ(picked->outcome, change_outcome::changed);
  EXPECT_EQ(picked->order->status, order_status::out_for_delivery);
  EXPECT_EQ(picked->order->partner_id, 31);
  EXPECT_EQ(picked->order->updated_at, now_s + 2);
  auto same = run(store().change_status(55, actor::delivery, order_status::out_for_delivery,
                                        std::nullopt, {7, 8, 9}, now_s + 3));
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->outcome, change_outcome::unchanged);
  auto cancel = run(store().change_status(55, actor::admin, order_status::cancelled, std::nullopt,
                                          {10, 11, 12}, now_s + 4));
  ASSERT_TRUE(cancel.ok());
  EXPECT_EQ(cancel->outcome, change_outcome::illegal);
  auto missing = run(store().change_status(56, actor::admin, order_status::packed, std::nullopt,
                                           {13, 14, 15}, now_s));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->outcome, change_outcome::not_found);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox"), 1);  // the out_for_delivery notification

  auto partner = run(store().set_partner(55, 32, now_s + 5));
  ASSERT_TRUE(partner.ok());
  ASSERT_TRUE(partner->has_value());
  EXPECT_EQ((*partner)->partner_id, 32);
  auto nobody = run(store().set_partner(56, 32, now_s + 5));
  ASSERT_TRUE(nobody.ok());
  EXPECT_FALSE(nobody->has_value());
}

TEST_P(order_store_engines, listing_filters_pages_and_counts) {
  for (std::int64_t i = 1; i <= 5; ++i) {
    const checkout_ref ref = started(i % 2 == 0 ? 8 : 7, "k" + std::to_string(i));
    ASSERT_TRUE(run(store().complete_checkout(ref, make_order(i, ref.user_id, ref.reservation_id,
                                                              now_s + i),
                                              {}, now_s + i))
                    .ok());
  }
  ASSERT_TRUE(run(store().change_status(3, actor::customer, order_status::cancelled, std::nullopt,
                                        {20, 21, 22}, now_s + 10))
                  .ok());
  auto mine = run(store().list_orders(order_filter{7, std::nullopt, 20, 0}));
  ASSERT_TRUE(mine.ok()) << mine.error().message;
  ASSERT_EQ(mine->size(), 3u);
  EXPECT_EQ((*mine)[0].id, 5);
  EXPECT_EQ((*mine)[1].id, 3);
  EXPECT_EQ((*mine)[2].id, 1);
  EXPECT_EQ((*mine)[0].lines.size(), 2u);
  auto paged = run(store().list_orders(order_filter{std::nullopt, std::nullopt, 2, 1}));
  ASSERT_TRUE(paged.ok());
  ASSERT_EQ(paged->size(), 2u);
  EXPECT_EQ((*paged)[0].id, 4);
  auto cancelled =
      run(store().list_orders(order_filter{std::nullopt, order_status::cancelled, 20, 0}));
  ASSERT_TRUE(cancelled.ok());
  ASSERT_EQ(cancelled->size(), 1u);
  EXPECT_EQ((*cancelled)[0].id, 3);

  auto s = run(store().stats());
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->orders_by_status.at("confirmed"), 4);
  EXPECT_EQ(s->orders_by_status.at("cancelled"), 1);
  EXPECT_EQ(s->orders_by_status.at("delivered"), 0);
  EXPECT_EQ(s->revenue_paise, 4 * 16'000);
}

TEST_P(order_store_engines, the_outbox_keeps_each_order_s_messages_in_order) {
  const checkout_ref ref = started(7, "ob");
  const order_record o = make_order(77, 7, ref.reservation_id);
  ASSERT_TRUE(run(store().complete_checkout(ref, o, rows_for(o, 1), now_s)).ok());
  ASSERT_TRUE(run(store().change_status(77, actor::customer, order_status::cancelled,
                                        std::nullopt, {10, 11, 12}, now_s))
                  .ok());
  auto due = run(store().due_outbox(now_s, 50));
  ASSERT_TRUE(due.ok()) << due.error().message;
  // cart, delivery assignment, notification, product release; the delivery cancel and the
  // second notification wait for their predecessors.
  ASSERT_EQ(due->size(), 4u);
  for (const auto& row : *due) {
    EXPECT_NE(row.message.target, "/internal/assignments/77/cancel");
  }
  ASSERT_TRUE(run(store().outbox_retry(2, 1, now_s + 4, "timeout")).ok());
  ASSERT_TRUE(run(store().outbox_done(3, 1)).ok());
  auto later = run(store().due_outbox(now_s + 1, 50));
  ASSERT_TRUE(later.ok());
  bool saw_second_notification = false;
  for (const auto& row : *later) {
    EXPECT_NE(row.id, 2);   // backing off
    EXPECT_NE(row.id, 11);  // behind row 2
    saw_second_notification = saw_second_notification || row.id == 12;
  }
  EXPECT_TRUE(saw_second_notification);
  ASSERT_TRUE(run(store().outbox_dead(2, 10, "gave up")).ok());
  auto after_dead = run(store().due_outbox(now_s + 1, 50));
  ASSERT_TRUE(after_dead.ok());
  bool saw_cancel = false;
  for (const auto& row : *after_dead) {
    saw_cancel = saw_cancel || row.id == 11;
  }
  EXPECT_TRUE(saw_cancel);
  auto dead = run(store().count_outbox("dead"));
  ASSERT_TRUE(dead.ok());
  EXPECT_EQ(*dead, 1);
  auto limited = run(store().due_outbox(now_s + 1, 1));
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->size(), 1u);
}

TEST_P(order_store_engines, pruning_takes_only_old_delivered_rows) {
  const checkout_ref ref = started(7, "prune");
  const order_record o = make_order(88, 7, ref.reservation_id);
  ASSERT_TRUE(run(store().complete_checkout(ref, o, rows_for(o, 1), now_s)).ok());
  ASSERT_TRUE(run(store().outbox_done(1, 1)).ok());
  ASSERT_TRUE(run(store().outbox_done(2, 1)).ok());
  ASSERT_TRUE(run(store().outbox_dead(3, 10, "gave up")).ok());
  auto none = run(store().prune_outbox(now_s, 10));
  ASSERT_TRUE(none.ok()) << none.error().message;
  EXPECT_EQ(*none, 0);
  auto one = run(store().prune_outbox(now_s + 1, 1));
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(*one, 1);
  auto rest = run(store().prune_outbox(now_s + 1, 10));
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*rest, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE state = 'dead'"), 1);
}

const message_origin checkout_origin{"rid-checkout",
                                     "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"};
const message_origin cancel_origin{"rid-cancel",
                                   "00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01"};

TEST_P(order_store_engines, outbox_rows_remember_the_request_they_came_from) {
  const checkout_ref ref = started(7, "origin");
  const order_record o = make_order(66, 7, ref.reservation_id);
  std::vector<outbox_row> rows = rows_for(o, 1);
  for (auto& row : rows) {
    row.origin = checkout_origin;
  }
  ASSERT_TRUE(run(store().complete_checkout(ref, o, rows, now_s)).ok());
  ASSERT_TRUE(run(store().change_status(66, actor::customer, order_status::cancelled,
                                        std::nullopt, {10, 11, 12}, now_s, cancel_origin))
                  .ok());
  // A release queued by the recovery sweep comes from no request.
  const checkout_ref lost = started(8, "lost");
  const outbox_row background{20, release_message(lost.reservation_id), 0, {}};
  ASSERT_TRUE(run(store().end_attempt(lost, std::nullopt, background, attempt_payment::possible, now_s)).ok());
  // No origin is stored as NULL, as rows written before migration 2 have it.
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE request_id IS NULL AND traceparent IS NULL"),
            1);
  // Every due row comes back with its origin, the ones behind their predecessors included.
  for (std::int64_t round = 0; round < 3; ++round) {
    auto due = run(store().due_outbox(now_s, 50));
    ASSERT_TRUE(due.ok()) << due.error().message;
    for (const auto& row : *due) {
      if (row.id == 20) {
        EXPECT_TRUE(row.origin.request_id.empty());
        EXPECT_TRUE(row.origin.traceparent.empty());
      } else {
        const message_origin& want = row.id < 10 ? checkout_origin : cancel_origin;
        EXPECT_EQ(row.origin.request_id, want.request_id) << row.id;
        EXPECT_EQ(row.origin.traceparent, want.traceparent) << row.id;
      }
      ASSERT_TRUE(run(store().outbox_done(row.id, 1)).ok());
    }
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE state = 'done'"), 7);
}

INSTANTIATE_TEST_SUITE_P(engines, order_store_engines, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// A database at version 1 (as a deployed order service left it), with rows in its outbox.
class order_store_migration : public migrated_engine_fixture {
 protected:
  order_store_migration() : migrated_engine_fixture(order_migrations().first(1)) {}
};

TEST_P(order_store_migration, version_2_keeps_old_outbox_rows_deliverable_without_an_origin) {
  ASSERT_TRUE(exec("INSERT INTO outbox (id, order_id, seq, upstream, target, body, state, "
                   "attempts, next_attempt_at, last_error, created_at) "
                   "VALUES (1, 5, 1, 'notification', '/internal/events', '{}', 'pending', 2, $1, "
                   "'timeout', $1)",
                   {now_s})
                  .ok());
  auto migrated = run(rt::apply_migrations(engine_->storage(), order_migrations()));
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;
  auto versions = query("SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->front().get_int(0), static_cast<std::int64_t>(order_migrations().size()));
  order_store store(engine_->storage(), seconds(10));
  outbox_row fresh{2, release_message("r-2"), 0, checkout_origin};
  auto claimed = run(store.claim_checkout(9, "after", "digest", now_s));
  ASSERT_TRUE(claimed.ok()) << claimed.error().message;
  ASSERT_TRUE(run(store.end_attempt(claimed->ref, std::nullopt, fresh, attempt_payment::possible, now_s)).ok());
  auto due = run(store.due_outbox(now_s, 10));
  ASSERT_TRUE(due.ok()) << due.error().message;
  ASSERT_EQ(due->size(), 2u);
  for (const auto& row : *due) {
    if (row.id == 1) {
      EXPECT_EQ(row.attempts, 2);
      EXPECT_TRUE(row.origin.request_id.empty());
      EXPECT_TRUE(row.origin.traceparent.empty());
    } else {
      EXPECT_EQ(row.origin.request_id, checkout_origin.request_id);
      EXPECT_EQ(row.origin.traceparent, checkout_origin.traceparent);
    }
  }
  // Applying the list again changes nothing.
  ASSERT_TRUE(run(rt::apply_migrations(engine_->storage(), order_migrations())).ok());
}

INSTANTIATE_TEST_SUITE_P(engines, order_store_migration, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// A database at version 2, with a row in each table migration 3 rebuilds.
class order_store_migration_v3 : public migrated_engine_fixture {
 protected:
  order_store_migration_v3() : migrated_engine_fixture(order_migrations().first(2)) {}

  std::int64_t count(const std::string& statement) {
    auto rows = query(statement);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    return rows.ok() ? rows->front().get_int(0) : -1;
  }
};

TEST_P(order_store_migration_v3, keeps_rows_and_still_refuses_unknown_states) {
  ASSERT_TRUE(exec("INSERT INTO checkouts (user_id, idem_key, state, attempt, reservation_id, "
                   "failure_status, failure_body, request_digest, claimed_at, updated_at) "
                   "VALUES (7, 'k', 'failed', 2, 'r-7', 409, '{}', 'digest', $1, $1)",
                   {now_s})
                  .ok());
  ASSERT_TRUE(exec("INSERT INTO payments (user_id, idem_key, attempt, payment_id, amount_paise, "
                   "status, created_at) VALUES (7, 'k', 1, 70, 500, 'refunded', $1)",
                   {now_s})
                  .ok());
  ASSERT_TRUE(exec("INSERT INTO outbox (id, order_id, seq, upstream, target, body, state, "
                   "attempts, next_attempt_at, last_error, created_at, request_id) "
                   "VALUES (1, 5, 1, 'notification', '/internal/events', '{}', 'pending', 2, $1, "
                   "'timeout', $1, 'rid')",
                   {now_s})
                  .ok());
  auto migrated = run(rt::apply_migrations(engine_->storage(), order_migrations()));
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;

  order_store store(engine_->storage(), seconds(10));
  auto replayed = run(store.claim_checkout(7, "k", "digest", now_s));
  ASSERT_TRUE(replayed.ok()) << replayed.error().message;
  EXPECT_EQ(replayed->kind, claim_kind::failed);
  EXPECT_EQ(replayed->failure_status, 409);
  EXPECT_EQ(count("SELECT COUNT(*) FROM payments WHERE payment_id = 70 AND status = 'refunded' "
                  "AND amount_paise = 500"),
            1);
  auto due = run(store.due_outbox(now_s, 10));
  ASSERT_TRUE(due.ok()) << due.error().message;
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ(due->front().attempts, 2);
  EXPECT_EQ(due->front().origin.request_id, "rid");

  // The rewritten constraints refuse what the old ones did, and keys stay unique.
  EXPECT_FALSE(exec("UPDATE checkouts SET state = 'lost' WHERE user_id = 7").ok());
  EXPECT_FALSE(exec("UPDATE payments SET status = 'void' WHERE payment_id = 70").ok());
  EXPECT_FALSE(exec("UPDATE outbox SET state = 'gone' WHERE id = 1").ok());
  EXPECT_FALSE(exec("INSERT INTO payments (user_id, idem_key, attempt, payment_id, amount_paise, "
                    "status, created_at) VALUES (8, 'k', 1, 70, 1, 'captured', $1)",
                    {now_s})
                   .ok());
  if (GetParam() == "sqlite") {
    // The recovery sweep and the dispatcher read their rows in index order, unsorted.
    for (const char* statement :
         {"SELECT user_id FROM checkouts WHERE state = 'pending' AND claimed_at <= 5 "
          "ORDER BY claimed_at, user_id, idem_key LIMIT 10",
          "SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= 5 "
          "ORDER BY next_attempt_at, created_at, seq, id LIMIT 10"}) {
      auto plan = query("EXPLAIN QUERY PLAN " + std::string(statement));
      ASSERT_TRUE(plan.ok()) << plan.error().message;
      for (const auto& r : plan->data) {
        EXPECT_EQ(r.get_text(3).find("TEMP B-TREE"), std::string::npos) << statement;
      }
    }
  }
  // The tables set aside during the rebuild are gone.
  for (const char* old_table : {"checkouts_v2", "payments_v2", "outbox_v2"}) {
    EXPECT_FALSE(query("SELECT COUNT(*) FROM " + std::string(old_table)).ok()) << old_table;
  }
}

INSTANTIATE_TEST_SUITE_P(engines, order_store_migration_v3, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });


// A database at version 3, with an order and its line: migration 4 rebuilds the order's
// status column (order_lines refers to orders, so the table itself stays).
class order_store_migration_v4 : public migrated_engine_fixture {
 protected:
  order_store_migration_v4() : migrated_engine_fixture(order_migrations().first(3)) {}
};

TEST_P(order_store_migration_v4, keeps_orders_and_lines_and_still_refuses_unknown_statuses) {
  ASSERT_TRUE(exec("INSERT INTO orders (id, user_id, idem_key, status, subtotal_paise, "
                   "delivery_fee_paise, total_paise, address, lat, lon, partner_id, "
                   "reservation_id, created_at, updated_at) VALUES (5, 7, 'k', 'packed', 1000, "
                   "2000, 3000, '1 MG Road', 12.9, 77.6, NULL, 'r-5', $1, $1)",
                   {now_s})
                  .ok());
  ASSERT_TRUE(exec("INSERT INTO order_lines (order_id, product_id, name, quantity, price_paise) "
                   "VALUES (5, 11, 'Milk', 2, 500)")
                  .ok());
  auto migrated = run(rt::apply_migrations(engine_->storage(), order_migrations()));
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;

  order_store store(engine_->storage(), seconds(10));
  auto found = run(store.find_order(5));
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->status, order_status::packed);
  ASSERT_EQ((*found)->lines.size(), 1u);
  EXPECT_EQ((*found)->lines.front().quantity, 2);
  EXPECT_EQ((*found)->total_paise, 3000);
  auto stats = run(store.stats());
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  EXPECT_EQ(stats->orders_by_status.at("packed"), 1);

  // The new constraint refuses what the old one did; the line still needs its order.
  EXPECT_FALSE(exec("UPDATE orders SET status = 'lost' WHERE id = 5").ok());
  EXPECT_FALSE(exec("UPDATE orders SET status = NULL WHERE id = 5").ok());
  EXPECT_TRUE(exec("UPDATE orders SET status = 'out_for_delivery' WHERE id = 5").ok());
  EXPECT_FALSE(exec("INSERT INTO order_lines (order_id, product_id, name, quantity, price_paise) "
                    "VALUES (6, 11, 'Milk', 1, 500)")
                   .ok());
  // Applying the list again changes nothing.
  ASSERT_TRUE(run(rt::apply_migrations(engine_->storage(), order_migrations())).ok());
}

INSTANTIATE_TEST_SUITE_P(engines, order_store_migration_v4, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace qm::test
