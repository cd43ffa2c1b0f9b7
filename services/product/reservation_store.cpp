// The reservation statements of product_store (see store.hpp for the stock rules).

#include <map>
#include <utility>

#include "core/base/assert.hpp"
#include "services/product/store.hpp"
#include "services/product/summary_reads.hpp"

namespace qm::product {

std::int64_t reservation::subtotal_paise() const {
  std::int64_t total = 0;
  for (const auto& l : lines) {
    total += l.quantity * l.price_paise;
  }
  return total;
}

std::vector<line_request> reservation::requested() const {
  std::vector<line_request> out;
  out.reserve(lines.size());
  for (const auto& l : lines) {
    out.push_back(line_request{l.product_id, l.quantity});
  }
  return out;
}

namespace {

// Thrown inside a transaction body to roll it back when a concurrent transaction changed a
// row between our read and our conditional write (possible on PostgreSQL); the store runs
// the transaction again and reads the new state.
[[noreturn]] void lost_race(std::string_view what) {
  throw sql::db_exception(sql::error{sql::errc::serialization_conflict, std::string(what)});
}

std::optional<reservation> load_reservation(sql::transaction& tx, const std::string& id) {
  auto head = tx.exec(
      "SELECT status, tombstone, created_at, expires_at FROM reservations WHERE id = $1", {id});
  if (head.empty()) {
    return std::nullopt;
  }
  const auto& h = head.front();
  const auto status = status_from_string(h.get_text(0));
  QM_ASSERT_MSG(status.has_value(), "the schema's CHECK admits only known statuses");
  reservation r;
  r.id = id;
  r.status = *status;
  r.tombstone = h.get_int(1) == 1;
  r.created_at = h.get_int(2);
  r.expires_at = h.get_int(3);
  auto lines = tx.exec(
      "SELECT product_id, name, quantity, price_paise FROM reservation_lines "
      "WHERE reservation_id = $1 ORDER BY product_id",
      {id});
  for (const auto& l : lines.data) {
    r.lines.push_back(reserved_line{l.get_int(0), l.get_text(1), l.get_int(2), l.get_int(3)});
  }
  return r;
}

// Moves r from its status to t.next, giving its units back when t says so. The status update
// is conditional on the status r was read in: when another transaction got there first,
// nothing is written and the caller decides (retry, or skip).
bool apply_transition(sql::transaction& tx, const reservation& r, transition t,
                      std::int64_t now_s) {
  if (t.next == r.status) {
    QM_ASSERT(!t.returns_stock);
    return true;
  }
  auto changed = tx.exec(
      "UPDATE reservations SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
      {std::string(to_string(t.next)), now_s, r.id, std::string(to_string(r.status))});
  if (changed.affected != 1) {
    return false;
  }
  if (t.returns_stock) {
    for (const auto& l : r.lines) {
      auto back = tx.exec("UPDATE stock SET available = available + $1 WHERE product_id = $2",
                          {l.quantity, l.product_id});
      QM_ASSERT_MSG(back.affected == 1, "a reserved product keeps its stock row");
    }
  }
  return true;
}

// The products of lines (active or not) with their stock, by id.
std::map<std::int64_t, product_summary> read_stock(sql::transaction& tx,
                                                   const std::vector<line_request>& lines) {
  std::vector<std::int64_t> ids;
  ids.reserve(lines.size());
  for (const auto& l : lines) {
    ids.push_back(l.product_id);
  }
  std::map<std::int64_t, product_summary> out;
  for (auto& s : read_summaries(tx, std::move(ids))) {
    const std::int64_t id = s.id;
    out.emplace(id, std::move(s));
  }
  return out;
}

reserve_result reserve_in(sql::transaction& tx, const reserve_input& in, std::int64_t now_s,
                          std::int64_t expires_at_s) {
  reserve_result out;
  if (auto existing = load_reservation(tx, in.reservation_id)) {
    if (existing->tombstone) {
      out.outcome = reserve_outcome::released;
    } else if (same_lines(existing->requested(), in.lines)) {
      out.outcome = reserve_outcome::existing;
      out.stored = std::move(*existing);
    } else {
      out.outcome = reserve_outcome::conflict;
    }
    return out;
  }
  const auto stock = read_stock(tx, in.lines);
  std::map<std::int64_t, std::int64_t> available;
  for (const auto& l : in.lines) {
    const auto it = stock.find(l.product_id);
    if (it == stock.end() || !it->second.active) {
      out.unavailable_product_ids.push_back(l.product_id);
    } else {
      available[l.product_id] = it->second.available;
    }
  }
  if (!out.unavailable_product_ids.empty()) {
    out.outcome = reserve_outcome::product_unavailable;
    return out;
  }
  out.shortages = find_shortages(in.lines, available);
  if (!out.shortages.empty()) {
    out.outcome = reserve_outcome::insufficient_stock;
    return out;
  }
  // In product id order (in.lines is sorted), so concurrent reservations lock stock rows in
  // the same order and cannot deadlock.
  for (const auto& l : in.lines) {
    auto taken = tx.exec(
        "UPDATE stock SET available = available - $1 WHERE product_id = $2 AND available >= $1",
        {l.quantity, l.product_id});
    if (taken.affected != 1) {
      lost_race("stock changed while reserving");
    }
  }
  tx.exec(
      "INSERT INTO reservations (id, status, tombstone, created_at, expires_at, updated_at) "
      "VALUES ($1, 'held', 0, $2, $3, $2)",
      {in.reservation_id, now_s, expires_at_s});
  reservation& r = out.stored;
  r.id = in.reservation_id;
  r.status = reservation_status::held;
  r.created_at = now_s;
  r.expires_at = expires_at_s;
  for (const auto& l : in.lines) {
    const product_summary& p = stock.at(l.product_id);
    tx.exec(
        "INSERT INTO reservation_lines (reservation_id, product_id, quantity, name, price_paise) "
        "VALUES ($1, $2, $3, $4, $5)",
        {in.reservation_id, l.product_id, l.quantity, p.name, p.price_paise});
    r.lines.push_back(reserved_line{l.product_id, p.name, l.quantity, p.price_paise});
  }
  out.outcome = reserve_outcome::created;
  return out;
}

// A race lost to a concurrent transaction is worth another attempt: the next one reads what
// the winner wrote (a unique violation means the same reservation id was just stored).
bool worth_retrying(const sql::error& e) {
  return e.code == sql::errc::serialization_conflict || e.code == sql::errc::unique_violation;
}

}  // namespace

task<db_result<reserve_result>> product_store::reserve(reserve_input in, std::int64_t now_s,
                                                       std::int64_t expires_at_s) {
  QM_ASSERT(valid_reservation_id(in.reservation_id));
  QM_ASSERT(!in.lines.empty() && in.lines.size() <= max_reservation_lines);
  auto body = [&](sql::transaction& tx) { return reserve_in(tx, in, now_s, expires_at_s); };
  db_result<reserve_result> r = reserve_result{};
  for (int attempt = 0; attempt < max_reserve_attempts; ++attempt) {
    r = co_await rt::transact_value<reserve_result>(db_, timeout_, body);
    if (r.ok() || !worth_retrying(r.error())) {
      break;
    }
  }
  co_return r;
}

task<db_result<std::optional<reservation_status>>> product_store::confirm(std::string id,
                                                                          std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> std::optional<reservation_status> {
    auto r = load_reservation(tx, id);
    if (!r) {
      return std::nullopt;
    }
    const transition t = on_confirm(r->status, now_s >= r->expires_at);
    if (!apply_transition(tx, *r, t, now_s)) {
      lost_race("the reservation changed while confirming");
    }
    return t.next;
  };
  db_result<std::optional<reservation_status>> r = std::optional<reservation_status>{};
  for (int attempt = 0; attempt < max_reserve_attempts; ++attempt) {
    r = co_await rt::transact_value<std::optional<reservation_status>>(db_, timeout_, body);
    if (r.ok() || !worth_retrying(r.error())) {
      break;
    }
  }
  co_return r;
}

task<db_result<reservation_status>> product_store::release(std::string id, std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> reservation_status {
    auto r = load_reservation(tx, id);
    if (!r) {
      tx.exec(
          "INSERT INTO reservations (id, status, tombstone, created_at, expires_at, updated_at) "
          "VALUES ($1, 'released', 1, $2, $2, $2)",
          {id, now_s});
      return reservation_status::released;
    }
    const transition t = on_release(r->status);
    if (!apply_transition(tx, *r, t, now_s)) {
      lost_race("the reservation changed while releasing");
    }
    return t.next;
  };
  db_result<reservation_status> r = reservation_status::released;
  for (int attempt = 0; attempt < max_reserve_attempts; ++attempt) {
    r = co_await rt::transact_value<reservation_status>(db_, timeout_, body);
    if (r.ok() || !worth_retrying(r.error())) {
      break;
    }
  }
  co_return r;
}

task<db_result<std::optional<reservation>>> product_store::find_reservation(std::string id) {
  auto body = [&](sql::transaction& tx) { return load_reservation(tx, id); };
  co_return co_await rt::transact_value<std::optional<reservation>>(db_, timeout_, body);
}

task<db_result<std::int64_t>> product_store::sweep_expired(std::int64_t now_s,
                                                           std::int64_t max_batch) {
  QM_ASSERT(max_batch >= 1);
  auto body = [&](sql::transaction& tx) {
    std::int64_t expired = 0;
    auto due = tx.exec(
        "SELECT id FROM reservations WHERE status = 'held' AND expires_at <= $1 "
        "ORDER BY expires_at, id LIMIT $2",
        {now_s, max_batch});
    for (const auto& row : due.data) {
      auto r = load_reservation(tx, row.get_text(0));
      if (!r) {
        continue;
      }
      // A reservation confirmed or released since the SELECT is left alone: the conditional
      // update changes nothing and its units stay where that request put them.
      if (apply_transition(tx, *r, on_expire(r->status), now_s) &&
          r->status == reservation_status::held) {
        ++expired;
      }
    }
    return expired;
  };
  co_return co_await rt::transact_value<std::int64_t>(db_, timeout_, body);
}

}  // namespace qm::product
