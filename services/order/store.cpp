#include "services/order/store.hpp"

#include <array>
#include <utility>

#include "core/base/assert.hpp"
#include "order_schema_sql.hpp"
#include "order_schema_v2_sql.hpp"
#include "order_schema_v3_sql.hpp"
#include "order_schema_v4_sql.hpp"
#include "services/order/domain/checkout_input.hpp"

namespace qm::order {

namespace {

// Statements built from a column list are built once, into function-local statics: one text at
// one address, which the SQLite statement cache finds without hashing it on every run.
constexpr std::string_view order_columns =
    "id, user_id, status, subtotal_paise, delivery_fee_paise, total_paise, address, lat, lon, "
    "partner_id, reservation_id, created_at, updated_at";

constexpr std::string_view checkout_columns =
    "state, attempt, reservation_id, order_id, failure_status, failure_body, request_digest";

// Moves the texts out of r, which is read once.
order_record order_from_row(sql::row& r) {
  order_record o;
  o.id = r.get_int(0);
  o.user_id = r.get_int(1);
  const auto status = parse_status(r.get_text(2));
  QM_ASSERT_MSG(status.has_value(), "orders.status holds an unknown status");
  o.status = *status;
  o.subtotal_paise = r.get_int(3);
  o.delivery_fee_paise = r.get_int(4);
  o.total_paise = r.get_int(5);
  o.address = r.take_text(6);
  o.location = location{r.get_double(7), r.get_double(8)};
  if (!r.is_null(9)) {
    o.partner_id = r.get_int(9);
  }
  o.reservation_id = r.take_text(10);
  o.created_at = r.get_int(11);
  o.updated_at = r.get_int(12);
  return o;
}

void load_lines(sql::transaction& tx, order_record& o) {
  auto rows = tx.exec(
      "SELECT product_id, name, quantity, price_paise FROM order_lines WHERE order_id = $1 "
      "ORDER BY product_id LIMIT $2",
      {o.id, max_lines_per_order});
  o.lines.clear();
  for (auto& r : rows.data) {
    o.lines.push_back(order_line{r.get_int(0), r.take_text(1), r.get_int(2), r.get_int(3)});
  }
}

std::optional<order_record> load_order(sql::transaction& tx, std::int64_t id) {
  static const std::string by_id =
      "SELECT " + std::string(order_columns) + " FROM orders WHERE id = $1";
  auto rows = tx.exec(by_id, {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  order_record o = order_from_row(rows.data.front());
  load_lines(tx, o);
  return o;
}

sql::value optional_int(const std::optional<std::int64_t>& v) {
  return v ? sql::value(*v) : sql::value(sql::null);
}

// Empty text is stored as NULL: "no origin", like the rows written before migration 2.
sql::value optional_text(const std::string& v) {
  return v.empty() ? sql::value(sql::null) : sql::value(v);
}

// Appends rows to the outbox, each after the last message of its order to its upstream.
void enqueue(sql::transaction& tx, const std::vector<outbox_row>& rows, std::int64_t now_s) {
  for (const auto& row : rows) {
    std::int64_t seq = 0;
    if (row.message.order_id) {
      auto last = tx.exec(
          "SELECT COALESCE(MAX(seq), 0) FROM outbox WHERE order_id = $1 AND upstream = $2",
          {*row.message.order_id, row.message.upstream});
      seq = last.front().get_int(0) + 1;
    }
    tx.exec(
        "INSERT INTO outbox (id, order_id, seq, upstream, target, body, state, attempts, "
        "next_attempt_at, last_error, created_at, request_id, traceparent) "
        "VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, '', $7, $8, $9)",
        {row.id, optional_int(row.message.order_id), seq, row.message.upstream,
         row.message.target, row.message.body, now_s, optional_text(row.origin.request_id),
         optional_text(row.origin.traceparent)});
  }
}

// The key's row (checkout_columns), empty when the key is new.
sql::rows read_checkout(sql::transaction& tx, std::int64_t user_id, const std::string& key) {
  static const std::string by_key = "SELECT " + std::string(checkout_columns) +
                                    " FROM checkouts WHERE user_id = $1 AND idem_key = $2";
  return tx.exec(by_key, {user_id, key});
}

claim claim_from_row(std::int64_t user_id, const std::string& key, const sql::row& r) {
  claim c;
  const std::string& state = r.get_text(0);
  c.ref = checkout_ref{user_id, key, r.get_int(1), r.get_text(2)};
  if (state == "completed") {
    c.kind = claim_kind::completed;
    c.order_id = r.get_int(3);
  } else if (state == "failed") {
    c.kind = claim_kind::failed;
    c.failure_status = static_cast<int>(r.get_int(4));
    c.failure_body = r.get_text(5);
  } else {
    c.kind = claim_kind::in_progress;  // pending, or retryable before it is claimed again
  }
  return c;
}

std::string_view payment_status_text(payment_status s) {
  switch (s) {
    case payment_status::captured:
      return "captured";
    case payment_status::declined:
      return "declined";
    case payment_status::refunded:
      return "refunded";
  }
  return "captured";
}

}  // namespace

std::span<const rt::migration> order_migrations() {
  static const std::array<rt::migration, 4> list = {
      rt::migration{1, "order_initial_schema", order_schema_sql()},
      rt::migration{2, "order_outbox_origin", order_schema_v2_sql()},
      rt::migration{3, "order_checks_without_in_lists", order_schema_v3_sql()},
      rt::migration{4, "order_status_check_without_in_list", order_schema_v4_sql()},
  };
  return list;
}

task<db_result<claim>> order_store::claim_checkout(std::int64_t user_id, std::string key,
                                                   std::string request_digest,
                                                   std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> claim {
    // A new key (nearly every checkout) is claimed in one statement. The insert does nothing
    // when the key exists. On PostgreSQL it first waits for a concurrent first request's
    // transaction, so the read below sees that request's row and no unique violation reaches
    // the caller.
    const std::string first_reservation = reservation_id_for(user_id, key, 1);
    auto inserted = tx.exec(
        "INSERT INTO checkouts (user_id, idem_key, state, attempt, reservation_id, "
        "request_digest, claimed_at, updated_at) VALUES ($1, $2, 'pending', 1, $3, $5, $4, $4) "
        "ON CONFLICT (user_id, idem_key) DO NOTHING",
        {user_id, key, first_reservation, now_s, request_digest});
    if (inserted.affected == 1) {
      return claim{claim_kind::started, checkout_ref{user_id, key, 1, first_reservation}, {}, 0,
                   {}};
    }
    auto rows = read_checkout(tx, user_id, key);
    if (rows.empty()) {
      // Only an isolation level above READ COMMITTED could hide the row that blocked the
      // insert; the client's retry with the same key finds it.
      throw sql::db_exception(sql::error{sql::errc::serialization_conflict,
                                         "checkout key taken by a transaction this one cannot see"});
    }
    if (rows.front().get_text(6) != request_digest) {
      return claim{claim_kind::mismatch, checkout_ref{user_id, key, 0, ""}, {}, 0, {}};
    }
    if (rows.front().get_text(0) != "retryable") {
      return claim_from_row(user_id, key, rows.front());
    }
    const std::int64_t attempt = rows.front().get_int(1) + 1;
    const std::string reservation = reservation_id_for(user_id, key, attempt);
    // The guard on state makes two concurrent retries end with one owner.
    auto taken = tx.exec(
        "UPDATE checkouts SET state = 'pending', attempt = $3, reservation_id = $4, "
        "claimed_at = $5, updated_at = $5 "
        "WHERE user_id = $1 AND idem_key = $2 AND state = 'retryable' AND attempt = $6",
        {user_id, key, attempt, reservation, now_s, attempt - 1});
    if (taken.affected != 1) {
      return claim{claim_kind::in_progress, checkout_ref{user_id, key, attempt, reservation}, {}, 0,
                   {}};
    }
    return claim{claim_kind::started, checkout_ref{user_id, key, attempt, reservation}, {}, 0, {}};
  };
  co_return co_await rt::transact_value<claim>(db_, timeout_, body);
}

task<db_result<complete_outcome>> order_store::complete_checkout(checkout_ref ref, order_record o,
                                                                 std::vector<outbox_row> messages,
                                                                 std::int64_t now_s) {
  QM_ASSERT(!o.lines.empty() && static_cast<std::int64_t>(o.lines.size()) <= max_lines_per_order);
  QM_ASSERT(o.total_paise == o.subtotal_paise + o.delivery_fee_paise);
  auto body = [&](sql::transaction& tx) -> complete_outcome {
    if (!tx.exec("SELECT 1 FROM orders WHERE id = $1", {o.id}).empty()) {
      return complete_outcome::id_taken;
    }
    auto marked = tx.exec(
        "UPDATE checkouts SET state = 'completed', order_id = $4, updated_at = $5 "
        "WHERE user_id = $1 AND idem_key = $2 AND attempt = $3 AND state = 'pending'",
        {ref.user_id, ref.key, ref.attempt, o.id, now_s});
    if (marked.affected != 1) {
      return complete_outcome::lease_lost;
    }
    tx.exec(
        "INSERT INTO orders (" + std::string(order_columns) +
            ", idem_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        {o.id, o.user_id, std::string(to_string(o.status)), o.subtotal_paise,
         o.delivery_fee_paise, o.total_paise, o.address, o.location.lat, o.location.lon,
         optional_int(o.partner_id), o.reservation_id, o.created_at, o.updated_at, ref.key});
    for (const auto& l : o.lines) {
      tx.exec(
          "INSERT INTO order_lines (order_id, product_id, name, quantity, price_paise) "
          "VALUES ($1, $2, $3, $4, $5)",
          {o.id, l.product_id, l.name, l.quantity, l.price_paise});
    }
    enqueue(tx, messages, now_s);
    return complete_outcome::completed;
  };
  // Both refusals return before the first write, so a refused attempt commits nothing.
  co_return co_await rt::transact_value<complete_outcome>(db_, timeout_, body);
}

task<db_result<bool>> order_store::end_attempt(checkout_ref ref,
                                               std::optional<failure_reply> final_reply,
                                               std::optional<outbox_row> release,
                                               attempt_payment paid, std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> bool {
    sql::rows ended;
    if (final_reply) {
      ended = tx.exec(
          "UPDATE checkouts SET state = 'failed', failure_status = $4, failure_body = $5, "
          "updated_at = $6 WHERE user_id = $1 AND idem_key = $2 AND attempt = $3 "
          "AND state = 'pending'",
          {ref.user_id, ref.key, ref.attempt, std::int64_t{final_reply->status}, final_reply->body,
           now_s});
    } else {
      ended = tx.exec(
          "UPDATE checkouts SET state = 'retryable', updated_at = $4 "
          "WHERE user_id = $1 AND idem_key = $2 AND attempt = $3 AND state = 'pending'",
          {ref.user_id, ref.key, ref.attempt, now_s});
    }
    if (ended.affected != 1) {
      return false;
    }
    if (paid == attempt_payment::possible) {
      tx.exec(
          "UPDATE payments SET status = 'refunded' "
          "WHERE user_id = $1 AND idem_key = $2 AND attempt = $3 AND status = 'captured'",
          {ref.user_id, ref.key, ref.attempt});
    }
    if (release) {
      enqueue(tx, {*release}, now_s);
    }
    return true;
  };
  co_return co_await rt::transact_value<bool>(db_, timeout_, body);
}

task<db_result<std::vector<checkout_ref>>> order_store::stale_checkouts(std::int64_t cutoff_s,
                                                                        std::int64_t limit) {
  QM_ASSERT(limit >= 1);
  auto body = [&](sql::transaction& tx) {
    std::vector<checkout_ref> out;
    auto rows = tx.exec(
        "SELECT user_id, idem_key, attempt, reservation_id FROM checkouts "
        "WHERE state = 'pending' AND claimed_at <= $1 "
        "ORDER BY claimed_at, user_id, idem_key LIMIT $2",
        {cutoff_s, limit});
    for (const auto& r : rows.data) {
      out.push_back(checkout_ref{r.get_int(0), r.get_text(1), r.get_int(2), r.get_text(3)});
    }
    return out;
  };
  co_return co_await rt::transact_value<std::vector<checkout_ref>>(db_, timeout_, body);
}

task<db_result<std::optional<claim>>> order_store::find_checkout(std::int64_t user_id,
                                                                 std::string key) {
  auto body = [&](sql::transaction& tx) -> std::optional<claim> {
    auto rows = read_checkout(tx, user_id, key);
    if (rows.empty()) {
      return std::nullopt;
    }
    claim c = claim_from_row(user_id, key, rows.front());
    if (rows.front().get_text(0) == "retryable") {
      c.kind = claim_kind::started;  // free to be claimed again
    }
    return c;
  };
  co_return co_await rt::transact_value<std::optional<claim>>(db_, timeout_, body);
}

task<db_result<std::optional<payment_record>>> order_store::find_payment(checkout_ref ref) {
  auto body = [&](sql::transaction& tx) -> std::optional<payment_record> {
    auto rows = tx.exec(
        "SELECT payment_id, amount_paise, status FROM payments "
        "WHERE user_id = $1 AND idem_key = $2 AND attempt = $3",
        {ref.user_id, ref.key, ref.attempt});
    if (rows.empty()) {
      return std::nullopt;
    }
    const auto& r = rows.front();
    const std::string& s = r.get_text(2);
    const payment_status status = s == "declined"   ? payment_status::declined
                                  : s == "refunded" ? payment_status::refunded
                                                    : payment_status::captured;
    return payment_record{r.get_int(0), r.get_int(1), status};
  };
  co_return co_await rt::transact_value<std::optional<payment_record>>(db_, timeout_, body);
}

task<rt::db_status> order_store::record_payment(checkout_ref ref, payment_record p,
                                                std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) {
    tx.exec(
        "INSERT INTO payments (user_id, idem_key, attempt, payment_id, amount_paise, status, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {ref.user_id, ref.key, ref.attempt, p.payment_id, p.amount_paise,
         std::string(payment_status_text(p.status)), now_s});
  };
  co_return co_await db_.transact(body, timeout_);
}

task<db_result<std::optional<order_record>>> order_store::find_order(std::int64_t id) {
  auto body = [id](sql::transaction& tx) { return load_order(tx, id); };
  co_return co_await rt::transact_value<std::optional<order_record>>(db_, timeout_, body);
}

task<db_result<std::vector<order_record>>> order_store::list_orders(order_filter f) {
  QM_ASSERT(f.limit >= 1 && f.limit <= max_page && f.offset >= 0);
  std::string statement = "SELECT " + std::string(order_columns) + " FROM orders WHERE 1 = 1";
  sql::params args;
  const auto next = [&args] { return "$" + std::to_string(args.size() + 1); };
  if (f.user_id) {
    statement += " AND user_id = " + next();
    args.emplace_back(*f.user_id);
  }
  if (f.status) {
    statement += " AND status = " + next();
    args.emplace_back(std::string(to_string(*f.status)));
  }
  statement += " ORDER BY created_at DESC, id DESC LIMIT " + next();
  args.emplace_back(f.limit);
  statement += " OFFSET " + next();
  args.emplace_back(f.offset);
  auto body = [&](sql::transaction& tx) {
    std::vector<order_record> out;
    auto rows = tx.exec(statement, args);
    for (auto& r : rows.data) {
      out.push_back(order_from_row(r));
      load_lines(tx, out.back());
    }
    return out;
  };
  co_return co_await rt::transact_value<std::vector<order_record>>(db_, timeout_, body);
}

task<db_result<status_change>> order_store::change_status(std::int64_t id, actor who,
                                                          order_status to,
                                                          std::optional<std::int64_t> partner_id,
                                                          std::vector<std::int64_t> ids,
                                                          std::int64_t now_s,
                                                          message_origin origin) {
  QM_ASSERT(ids.size() >= ids_per_change);
  auto body = [&](sql::transaction& tx) -> status_change {
    auto current = load_order(tx, id);
    if (!current) {
      return {change_outcome::not_found, std::nullopt};
    }
    if (current->status == to) {
      return {change_outcome::unchanged, std::move(current)};
    }
    if (!may_move(who, current->status, to)) {
      return {change_outcome::illegal, std::move(current)};
    }
    // The guard on the old status makes two concurrent moves end with one winner; the loser
    // changes nothing and reports what it found.
    auto moved = tx.exec(
        "UPDATE orders SET status = $2, partner_id = COALESCE($3, partner_id), updated_at = $4 "
        "WHERE id = $1 AND status = $5",
        {id, std::string(to_string(to)), optional_int(partner_id), now_s,
         std::string(to_string(current->status))});
    if (moved.affected != 1) {
      return {change_outcome::illegal, std::move(current)};
    }
    // The row as the UPDATE left it: nothing else of the order moves, and its lines never do.
    current->status = to;
    if (partner_id) {
      current->partner_id = partner_id;
    }
    current->updated_at = now_s;
    std::vector<outbox_message> owed;
    if (to == order_status::cancelled) {
      // The customer gets the money back with the stock: the order's captured payment is
      // refunded in the same transaction that cancels it.
      tx.exec(
          "UPDATE payments SET status = 'refunded' WHERE user_id = $1 AND status = 'captured' "
          "AND idem_key = (SELECT idem_key FROM orders WHERE id = $2)",
          {current->user_id, current->id});
      owed = cancel_messages(*current);
    } else if (auto note = status_notification(*current, to)) {
      owed.push_back(std::move(*note));
    }
    QM_ASSERT(owed.size() <= ids.size());
    std::vector<outbox_row> rows;
    for (std::size_t i = 0; i < owed.size(); ++i) {
      rows.push_back(outbox_row{ids[i], std::move(owed[i]), 0, origin});
    }
    enqueue(tx, rows, now_s);
    return {change_outcome::changed, std::move(current)};
  };
  co_return co_await rt::transact_value<status_change>(db_, timeout_, body);
}

task<db_result<std::optional<order_record>>> order_store::set_partner(std::int64_t id,
                                                                      std::int64_t partner_id,
                                                                      std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> std::optional<order_record> {
    auto changed = tx.exec("UPDATE orders SET partner_id = $2, updated_at = $3 WHERE id = $1",
                           {id, partner_id, now_s});
    if (changed.affected == 0) {
      return std::nullopt;
    }
    return load_order(tx, id);
  };
  co_return co_await rt::transact_value<std::optional<order_record>>(db_, timeout_, body);
}

task<db_result<order_stats>> order_store::stats() {
  auto body = [](sql::transaction& tx) {
    order_stats s;
    for (order_status st : all_statuses) {
      s.orders_by_status[std::string(to_string(st))] = 0;
    }
    auto rows = tx.exec("SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status");
    for (const auto& r : rows.data) {
      s.orders_by_status[r.get_text(0)] = r.get_int(1);
    }
    auto revenue = tx.exec(
        "SELECT CAST(COALESCE(SUM(total_paise), 0) AS BIGINT) FROM orders "
        "WHERE status <> 'cancelled'");
    s.revenue_paise = revenue.front().get_int(0);
    return s;
  };
  co_return co_await rt::transact_value<order_stats>(db_, timeout_, body);
}

task<db_result<std::vector<outbox_row>>> order_store::due_outbox(std::int64_t now_s,
                                                                 std::int64_t limit) {
  QM_ASSERT(limit >= 1);
  auto body = [&](sql::transaction& tx) {
    std::vector<outbox_row> out;
    auto rows = tx.exec(
        "SELECT o.id, o.order_id, o.upstream, o.target, o.body, o.attempts, o.request_id, "
        "o.traceparent FROM outbox o "
        "WHERE o.state = 'pending' AND o.next_attempt_at <= $1 AND NOT EXISTS ("
        "  SELECT 1 FROM outbox e WHERE e.order_id = o.order_id AND e.upstream = o.upstream "
        "  AND e.state = 'pending' AND e.seq < o.seq) "
        "ORDER BY o.next_attempt_at, o.created_at, o.seq, o.id LIMIT $2",
        {now_s, limit});
    for (const auto& r : rows.data) {
      outbox_message m;
      if (!r.is_null(1)) {
        m.order_id = r.get_int(1);
      }
      m.upstream = r.get_text(2);
      m.target = r.get_text(3);
      m.body = r.get_text(4);
      message_origin origin;
      if (!r.is_null(6)) {
        origin.request_id = r.get_text(6);
      }
      if (!r.is_null(7)) {
        origin.traceparent = r.get_text(7);
      }
      out.push_back(outbox_row{r.get_int(0), std::move(m), r.get_int(5), std::move(origin)});
    }
    return out;
  };
  co_return co_await rt::transact_value<std::vector<outbox_row>>(db_, timeout_, body);
}

task<rt::db_status> order_store::outbox_done(std::int64_t id, std::int64_t attempts) {
  auto body = [&](sql::transaction& tx) {
    tx.exec("UPDATE outbox SET state = 'done', attempts = $2 WHERE id = $1 AND state = 'pending'",
            {id, attempts});
  };
  co_return co_await db_.transact(body, timeout_);
}

task<rt::db_status> order_store::outbox_retry(std::int64_t id, std::int64_t attempts,
                                              std::int64_t next_attempt_at, std::string error) {
  auto body = [&](sql::transaction& tx) {
    tx.exec(
        "UPDATE outbox SET attempts = $2, next_attempt_at = $3, last_error = $4 "
        "WHERE id = $1 AND state = 'pending'",
        {id, attempts, next_attempt_at, error});
  };
  co_return co_await db_.transact(body, timeout_);
}

task<rt::db_status> order_store::outbox_dead(std::int64_t id, std::int64_t attempts,
                                             std::string error) {
  auto body = [&](sql::transaction& tx) {
    tx.exec(
        "UPDATE outbox SET state = 'dead', attempts = $2, last_error = $3 "
        "WHERE id = $1 AND state = 'pending'",
        {id, attempts, error});
  };
  co_return co_await db_.transact(body, timeout_);
}

task<db_result<std::int64_t>> order_store::prune_outbox(std::int64_t before_s,
                                                        std::int64_t limit) {
  QM_ASSERT(limit >= 1);
  auto body = [&](sql::transaction& tx) {
    return tx
        .exec(
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE state = 'done' "
            "AND created_at < $1 ORDER BY created_at, id LIMIT $2)",
            {before_s, limit})
        .affected;
  };
  co_return co_await rt::transact_value<std::int64_t>(db_, timeout_, body);
}

task<db_result<std::int64_t>> order_store::count_outbox(std::string state) {
  auto body = [&](sql::transaction& tx) {
    return tx.exec("SELECT COUNT(*) FROM outbox WHERE state = $1", {state}).front().get_int(0);
  };
  co_return co_await rt::transact_value<std::int64_t>(db_, timeout_, body);
}

}  // namespace qm::order
