#include "services/delivery/store.hpp"

#include <array>
#include <utility>

#include "core/base/assert.hpp"
#include "delivery_schema_sql.hpp"
#include "delivery_schema_v2_sql.hpp"
#include "delivery_schema_v3_sql.hpp"
#include "delivery_schema_v4_sql.hpp"

namespace qm::delivery {

namespace {

// Statements built from a column list are built once, into function-local statics: one text at
// one address, which the SQLite statement cache finds without hashing it on every run.
constexpr std::string_view partner_columns =
    "user_id, name, status, lat, lon, created_at, updated_at";

constexpr std::string_view assignment_columns =
    "order_id, user_id, partner_id, dest_lat, dest_lon, status, created_at, assigned_at, "
    "picked_up_at, delivered_at, cancelled_at, updated_at";

std::optional<std::int64_t> optional_int(const sql::row& r, std::size_t i) {
  return r.is_null(i) ? std::nullopt : std::optional<std::int64_t>(r.get_int(i));
}

sql::value optional_value(std::optional<std::int64_t> v) {
  return v ? sql::value(*v) : sql::value(sql::null);
}

partner partner_from_row(const sql::row& r) {
  const auto status = partner_status_from(r.get_text(2));
  QM_ASSERT_MSG(status.has_value(), "partners.status holds a state the CHECK does not allow");
  return partner{r.get_int(0), r.get_text(1), *status, geo_point{r.get_double(3), r.get_double(4)},
                 r.get_int(5), r.get_int(6)};
}

assignment assignment_from_row(const sql::row& r) {
  const auto status = assignment_status_from(r.get_text(5));
  QM_ASSERT_MSG(status.has_value(), "assignments.status holds a state the CHECK does not allow");
  assignment a;
  a.order_id = r.get_int(0);
  a.user_id = optional_int(r, 1);
  a.partner_id = optional_int(r, 2);
  if (!r.is_null(3) && !r.is_null(4)) {
    a.destination = geo_point{r.get_double(3), r.get_double(4)};
  }
  a.status = *status;
  a.created_at = r.get_int(6);
  a.assigned_at = optional_int(r, 7);
  a.picked_up_at = optional_int(r, 8);
  a.delivered_at = optional_int(r, 9);
  a.cancelled_at = optional_int(r, 10);
  a.updated_at = r.get_int(11);
  return a;
}

std::optional<partner> load_partner(sql::transaction& tx, std::int64_t id) {
  static const std::string by_user =
      "SELECT " + std::string(partner_columns) + " FROM partners WHERE user_id = $1";
  auto rows = tx.exec(by_user, {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return partner_from_row(rows.front());
}

std::optional<assignment> load_assignment(sql::transaction& tx, std::int64_t order_id) {
  static const std::string by_order =
      "SELECT " + std::string(assignment_columns) + " FROM assignments WHERE order_id = $1";
  auto rows = tx.exec(by_order, {order_id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return assignment_from_row(rows.front());
}

// The same load after a write that must have left the row in place.
assignment reload_assignment(sql::transaction& tx, std::int64_t order_id) {
  auto a = load_assignment(tx, order_id);
  QM_ASSERT_MSG(a.has_value(), "an assignment vanished inside its own transaction");
  return std::move(*a);
}

// Claims the available partner nearest to store (ties: lowest id) by marking it busy, and
// returns its id; nothing when no partner is available. A partner whose conditional UPDATE
// changes no row was taken by a concurrent transaction since the read: the next best is
// tried, at most once per candidate.
std::optional<std::int64_t> claim_nearest_partner(sql::transaction& tx, geo_point store,
                                                  std::int64_t now_s) {
  auto rows = tx.exec(
      "SELECT user_id, lat, lon FROM partners WHERE status = 'available' ORDER BY user_id "
      "LIMIT $1",
      {max_candidate_partners});
  std::vector<partner_position> candidates;
  candidates.reserve(rows.size());
  for (const auto& r : rows.data) {
    candidates.push_back(partner_position{r.get_int(0), partner_status::available,
                                          geo_point{r.get_double(1), r.get_double(2)}});
  }
  for (std::size_t attempt = 0; attempt < candidates.size(); ++attempt) {
    const auto chosen = choose_partner(candidates, store);
    if (!chosen) {
      return std::nullopt;
    }
    auto claimed = tx.exec(
        "UPDATE partners SET status = 'busy', updated_at = $2 "
        "WHERE user_id = $1 AND status = 'available'",
        {*chosen, now_s});
    if (claimed.affected == 1) {
      return chosen;
    }
    for (auto& c : candidates) {
      if (c.id == *chosen) {
        c.status = partner_status::busy;
      }
    }
  }
  return std::nullopt;
}

// Makes a busy partner available again (its assignment ended or moved away).
void free_partner(sql::transaction& tx, std::int64_t partner_id, std::int64_t now_s) {
  tx.exec(
      "UPDATE partners SET status = 'available', updated_at = $2 "
      "WHERE user_id = $1 AND status = 'busy'",
      {partner_id, now_s});
}

std::int64_t count(sql::transaction& tx, std::string_view statement) {
  auto rows = tx.exec(statement);
  return rows.empty() ? 0 : rows.front().get_int(0);
}

}  // namespace

std::span<const rt::migration> delivery_migrations() {
  static const std::array<rt::migration, 4> list = {
      rt::migration{1, "delivery_initial_schema", delivery_schema_sql()},
      rt::migration{2, "delivery_checks_without_in_lists", delivery_schema_v2_sql()},
      rt::migration{3, "delivery_partner_listing_index", delivery_schema_v3_sql()},
      rt::migration{4, "delivery_partner_check_without_in_list", delivery_schema_v4_sql()},
  };
  return list;
}

task<db_result<partner>> delivery_store::upsert_partner(std::int64_t id, std::string name,
                                                        geo_point at, std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) {
    auto changed = tx.exec(
        "UPDATE partners SET name = $2, lat = $3, lon = $4, updated_at = $5 WHERE user_id = $1",
        {id, name, at.lat, at.lon, now_s});
    if (changed.affected == 0) {
      tx.exec(
          "INSERT INTO partners (user_id, name, status, lat, lon, created_at, updated_at) "
          "VALUES ($1, $2, 'offline', $3, $4, $5, $5)",
          {id, name, at.lat, at.lon, now_s});
    }
    auto stored = load_partner(tx, id);
    QM_ASSERT(stored.has_value());
    return std::move(*stored);
  };
  auto first = co_await rt::transact_value<partner>(db_, timeout_, body);
  if (first.ok() || first.error().code != sql::errc::unique_violation) {
    co_return first;
  }
  // A concurrent first PUT inserted the row between our UPDATE and INSERT: now it updates.
  co_return co_await rt::transact_value<partner>(db_, timeout_, body);
}

task<db_result<std::optional<partner>>> delivery_store::find_partner(std::int64_t id) {
  auto body = [id](sql::transaction& tx) { return load_partner(tx, id); };
  co_return co_await rt::transact_value<std::optional<partner>>(db_, timeout_, body);
}

task<db_result<std::pair<availability_outcome, std::optional<partner>>>>
delivery_store::set_availability(std::int64_t id, partner_status to, std::int64_t now_s) {
  QM_ASSERT(to != partner_status::busy);
  using outcome = std::pair<availability_outcome, std::optional<partner>>;
  auto body = [&](sql::transaction& tx) -> outcome {
    auto current = load_partner(tx, id);
    if (!current) {
      return {availability_outcome::not_found, std::nullopt};
    }
    if (current->status == partner_status::busy) {
      return {availability_outcome::busy, std::move(current)};
    }
    if (current->status == to) {
      return {availability_outcome::unchanged, std::move(current)};
    }
    // The guard keeps a concurrent assignment (which made the partner busy) from being undone.
    auto changed = tx.exec(
        "UPDATE partners SET status = $2, updated_at = $3 WHERE user_id = $1 AND status = $4",
        {id, std::string(to_string(to)), now_s, std::string(to_string(current->status))});
    if (changed.affected != 1) {
      return {availability_outcome::busy, load_partner(tx, id)};
    }
    return {availability_outcome::changed, load_partner(tx, id)};
  };
  co_return co_await rt::transact_value<outcome>(db_, timeout_, body);
}

task<db_result<std::optional<partner>>> delivery_store::update_location(std::int64_t id,
                                                                        geo_point at,
                                                                        std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> std::optional<partner> {
    auto changed = tx.exec("UPDATE partners SET lat = $2, lon = $3, updated_at = $4 WHERE user_id = $1",
                           {id, at.lat, at.lon, now_s});
    if (changed.affected == 0) {
      return std::nullopt;
    }
    return load_partner(tx, id);
  };
  co_return co_await rt::transact_value<std::optional<partner>>(db_, timeout_, body);
}

task<db_result<std::vector<partner>>> delivery_store::list_partners(
    std::optional<partner_status> status, page p) {
  QM_ASSERT(p.limit >= 1 && p.limit <= max_limit && p.offset >= 0);
  auto body = [&](sql::transaction& tx) {
    std::vector<partner> out;
    const std::string select = "SELECT " + std::string(partner_columns) + " FROM partners ";
    sql::rows rows;
    if (status) {
      rows = tx.exec(select + "WHERE status = $1 ORDER BY user_id LIMIT $2 OFFSET $3",
                     {std::string(to_string(*status)), p.limit, p.offset});
    } else {
      rows = tx.exec(select + "ORDER BY user_id LIMIT $1 OFFSET $2", {p.limit, p.offset});
    }
    out.reserve(rows.size());
    for (const auto& r : rows.data) {
      out.push_back(partner_from_row(r));
    }
    return out;
  };
  co_return co_await rt::transact_value<std::vector<partner>>(db_, timeout_, body);
}

task<db_result<std::vector<assignment>>> delivery_store::partner_assignments(
    std::int64_t partner_id, page p) {
  QM_ASSERT(p.limit >= 1 && p.limit <= max_limit && p.offset >= 0);
  auto body = [&](sql::transaction& tx) {
    std::vector<assignment> out;
    // The ORDER BY is assignments_by_partner_listing's (schema_v3.sql) term for term: SQLite
    // uses an expression index only for the very same expression.
    static const std::string by_partner =
        "SELECT " + std::string(assignment_columns) +
        " FROM assignments WHERE partner_id = $1 "
        "ORDER BY CASE WHEN status IN ('assigned', 'picked_up') THEN 0 ELSE 1 END, "
        "updated_at DESC, order_id DESC LIMIT $2 OFFSET $3";
    auto rows = tx.exec(by_partner, {partner_id, p.limit, p.offset});
    out.reserve(rows.size());
    for (const auto& r : rows.data) {
      out.push_back(assignment_from_row(r));
    }
    return out;
  };
  co_return co_await rt::transact_value<std::vector<assignment>>(db_, timeout_, body);
}

task<db_result<std::optional<assignment>>> delivery_store::find_assignment(std::int64_t order_id) {
  auto body = [order_id](sql::transaction& tx) { return load_assignment(tx, order_id); };
  co_return co_await rt::transact_value<std::optional<assignment>>(db_, timeout_, body);
}

task<db_result<std::optional<tracking_view>>> delivery_store::tracking(std::int64_t order_id) {
  auto body = [order_id](sql::transaction& tx) -> std::optional<tracking_view> {
    auto a = load_assignment(tx, order_id);
    if (!a) {
      return std::nullopt;
    }
    tracking_view view{std::move(*a), std::nullopt};
    const bool carried = view.order.status == assignment_status::assigned ||
                         view.order.status == assignment_status::picked_up ||
                         view.order.status == assignment_status::delivered;
    if (carried && view.order.partner_id) {
      view.carrier = load_partner(tx, *view.order.partner_id);
    }
    return view;
  };
  co_return co_await rt::transact_value<std::optional<tracking_view>>(db_, timeout_, body);
}

task<db_result<placement>> delivery_store::place_order(new_assignment_input order,
                                                       geo_point store, std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> placement {
    if (auto existing = load_assignment(tx, order.order_id)) {
      return {std::move(*existing), false, false};
    }
    // Orders already waiting go first: this one queues behind them, and the caller drains
    // the queue oldest first.
    const bool queue_empty =
        tx.exec("SELECT order_id FROM assignments WHERE status = 'waiting' LIMIT 1").empty();
    const auto partner_id =
        queue_empty ? claim_nearest_partner(tx, store, now_s) : std::optional<std::int64_t>{};
    const std::string status(
        to_string(partner_id ? assignment_status::assigned : assignment_status::waiting));
    tx.exec(
        "INSERT INTO assignments (order_id, user_id, partner_id, dest_lat, dest_lon, status, "
        "created_at, assigned_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)",
        {order.order_id, order.user_id, optional_value(partner_id), order.destination.lat,
         order.destination.lon, status, now_s,
         partner_id ? sql::value(now_s) : sql::value(sql::null)});
    return {reload_assignment(tx, order.order_id), true, partner_id.has_value()};
  };
  auto first = co_await rt::transact_value<placement>(db_, timeout_, body);
  if (first.ok() || first.error().code != sql::errc::unique_violation) {
    co_return first;
  }
  // The same order arrived twice at once and the other insert won: read what it stored.
  co_return co_await rt::transact_value<placement>(db_, timeout_, body);
}

task<db_result<queue_step>> delivery_store::assign_oldest_waiting(geo_point store,
                                                                  std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> queue_step {
    auto oldest = tx.exec(
        "SELECT order_id FROM assignments WHERE status = 'waiting' "
        "ORDER BY created_at, order_id LIMIT 1");
    if (oldest.empty()) {
      return {queue_outcome::none_waiting, std::nullopt};
    }
    const std::int64_t order_id = oldest.front().get_int(0);
    const auto partner_id = claim_nearest_partner(tx, store, now_s);
    if (!partner_id) {
      return {queue_outcome::no_partner, std::nullopt};
    }
    auto taken = tx.exec(
        "UPDATE assignments SET partner_id = $2, status = 'assigned', assigned_at = $3, "
        "updated_at = $3 WHERE order_id = $1 AND status = 'waiting'",
        {order_id, *partner_id, now_s});
    if (taken.affected != 1) {
      // Assigned or cancelled by a concurrent transaction: give the partner back.
      free_partner(tx, *partner_id, now_s);
      return {queue_outcome::raced, std::nullopt};
    }
    return {queue_outcome::assigned, reload_assignment(tx, order_id)};
  };
  co_return co_await rt::transact_value<queue_step>(db_, timeout_, body);
}

task<db_result<moved>> delivery_store::mark_picked_up(std::int64_t order_id,
                                                      std::int64_t partner_id,
                                                      std::int64_t now_s) {
  co_return co_await partner_move(order_id, partner_id, assignment_status::assigned,
                                  assignment_status::picked_up, now_s);
}

task<db_result<moved>> delivery_store::mark_delivered(std::int64_t order_id,
                                                      std::int64_t partner_id,
                                                      std::int64_t now_s) {
  co_return co_await partner_move(order_id, partner_id, assignment_status::picked_up,
                                  assignment_status::delivered, now_s);
}

task<db_result<moved>> delivery_store::partner_move(std::int64_t order_id,
                                                    std::int64_t partner_id,
                                                    assignment_status from,
                                                    assignment_status to, std::int64_t now_s) {
  QM_ASSERT((from == assignment_status::assigned && to == assignment_status::picked_up) ||
            (from == assignment_status::picked_up && to == assignment_status::delivered));
  // The move's own timestamp column; both are fixed names, never input.
  const std::string stamp = to == assignment_status::picked_up ? "picked_up_at" : "delivered_at";
  auto body = [&](sql::transaction& tx) -> moved {
    auto a = load_assignment(tx, order_id);
    if (!a || a->partner_id != partner_id) {
      return {move_outcome::not_found, std::nullopt, std::nullopt};
    }
    if (a->status == to) {
      return {move_outcome::already, std::move(a), std::nullopt};
    }
    if (a->status != from) {
      return {move_outcome::illegal, std::move(a), std::nullopt};
    }
    auto changed = tx.exec("UPDATE assignments SET status = $4, " + stamp +
                               " = $3, updated_at = $3 "
                               "WHERE order_id = $1 AND partner_id = $2 AND status = $5",
                           {order_id, partner_id, now_s, std::string(to_string(to)),
                            std::string(to_string(from))});
    if (changed.affected != 1) {
      return {move_outcome::illegal, load_assignment(tx, order_id), std::nullopt};
    }
    if (to != assignment_status::delivered) {
      return {move_outcome::done, reload_assignment(tx, order_id), std::nullopt};
    }
    // The delivery ends the partner's job.
    free_partner(tx, partner_id, now_s);
    return {move_outcome::done, reload_assignment(tx, order_id), partner_id};
  };
  co_return co_await rt::transact_value<moved>(db_, timeout_, body);
}

task<db_result<moved>> delivery_store::cancel(std::int64_t order_id, std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> moved {
    auto a = load_assignment(tx, order_id);
    if (!a) {
      tx.exec(
          "INSERT INTO assignments (order_id, status, created_at, cancelled_at, updated_at) "
          "VALUES ($1, 'cancelled', $2, $2, $2)",
          {order_id, now_s});
      return {move_outcome::done, reload_assignment(tx, order_id), std::nullopt};
    }
    if (a->status == assignment_status::cancelled) {
      return {move_outcome::already, std::move(a), std::nullopt};
    }
    if (!is_cancellable(a->status)) {
      return {move_outcome::illegal, std::move(a), std::nullopt};
    }
    auto changed = tx.exec(
        "UPDATE assignments SET status = 'cancelled', cancelled_at = $2, updated_at = $2 "
        "WHERE order_id = $1 AND status = $3",
        {order_id, now_s, std::string(to_string(a->status))});
    if (changed.affected != 1) {
      return {move_outcome::illegal, load_assignment(tx, order_id), std::nullopt};
    }
    std::optional<std::int64_t> freed;
    if (a->status == assignment_status::assigned && a->partner_id) {
      free_partner(tx, *a->partner_id, now_s);
      freed = a->partner_id;
    }
    return {move_outcome::done, reload_assignment(tx, order_id), freed};
  };
  auto first = co_await rt::transact_value<moved>(db_, timeout_, body);
  if (first.ok() || first.error().code != sql::errc::unique_violation) {
    co_return first;
  }
  // The order arrived concurrently with its cancellation: cancel what was stored.
  co_return co_await rt::transact_value<moved>(db_, timeout_, body);
}

task<db_result<reassigned>> delivery_store::reassign(std::int64_t order_id,
                                                     std::int64_t partner_id,
                                                     std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> reassigned {
    auto a = load_assignment(tx, order_id);
    if (!a) {
      return {reassign_outcome::order_not_found, std::nullopt, std::nullopt};
    }
    if (!is_cancellable(a->status)) {
      return {reassign_outcome::illegal, std::move(a), std::nullopt};
    }
    if (a->status == assignment_status::assigned && a->partner_id == partner_id) {
      return {reassign_outcome::already, std::move(a), std::nullopt};
    }
    if (!load_partner(tx, partner_id)) {
      return {reassign_outcome::partner_not_found, std::move(a), std::nullopt};
    }
    auto claimed = tx.exec(
        "UPDATE partners SET status = 'busy', updated_at = $2 "
        "WHERE user_id = $1 AND status = 'available'",
        {partner_id, now_s});
    if (claimed.affected != 1) {
      return {reassign_outcome::partner_unavailable, std::move(a), std::nullopt};
    }
    std::optional<std::int64_t> freed;
    if (a->status == assignment_status::assigned && a->partner_id) {
      free_partner(tx, *a->partner_id, now_s);
      freed = a->partner_id;
    }
    auto changed = tx.exec(
        "UPDATE assignments SET partner_id = $2, status = 'assigned', assigned_at = $3, "
        "updated_at = $3 WHERE order_id = $1 AND status = $4",
        {order_id, partner_id, now_s, std::string(to_string(a->status))});
    if (changed.affected != 1) {
      // Moved by a concurrent transaction since the read: undo everything and let the
      // caller retry.
      throw sql::db_exception(
          sql::error{sql::errc::serialization_conflict, "the assignment changed concurrently"});
    }
    return {reassign_outcome::done, reload_assignment(tx, order_id), freed};
  };
  co_return co_await rt::transact_value<reassigned>(db_, timeout_, body);
}

task<db_result<delivery_stats>> delivery_store::stats() {
  auto body = [](sql::transaction& tx) {
    delivery_stats s;
    for (auto status : {partner_status::available, partner_status::busy, partner_status::offline}) {
      s.partners_by_status[std::string(to_string(status))] = 0;
    }
    auto rows = tx.exec("SELECT status, COUNT(*) FROM partners GROUP BY status");
    for (const auto& r : rows.data) {
      s.partners_by_status[r.get_text(0)] = r.get_int(1);
    }
    s.orders_waiting = count(tx, "SELECT COUNT(*) FROM assignments WHERE status = 'waiting'");
    s.active_assignments = count(
        tx, "SELECT COUNT(*) FROM assignments WHERE status IN ('assigned', 'picked_up')");
    return s;
  };
  co_return co_await rt::transact_value<delivery_stats>(db_, timeout_, body);
}

}  // namespace qm::delivery
