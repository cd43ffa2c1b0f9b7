#include "services/cart/store.hpp"

#include <array>
#include <utility>

#include "cart_schema_sql.hpp"
#include "core/base/assert.hpp"
#include "services/cart/domain/limits.hpp"

namespace qm::cart {

namespace {

// Two first-time changes of one user's cart can both try to create its carts row; the loser
// gets a unique violation (or, on SQLite, a busy database) and simply runs again.
constexpr int max_attempts = 3;

bool retryable(sql::errc code) {
  return code == sql::errc::unique_violation || code == sql::errc::serialization_conflict;
}

// As rt::transact_value, running the transaction again (max_attempts in all) after a
// retryable error. The value stays in one place across attempts: each attempt overwrites it.
template <typename T, typename Body>
task<db_result<T>> transact_retrying(rt::storage& db, duration timeout, Body body) {
  T out{};
  const rt::transaction_body run = [&](sql::transaction& tx) { out = body(tx); };
  rt::db_status status = co_await db.transact(run, timeout);
  for (int attempt = 2;
       attempt <= max_attempts && !status.ok() && retryable(status.error().code); ++attempt) {
    status = co_await db.transact(run, timeout);
  }
  if (!status) {
    co_return make_unexpected(status.error());
  }
  co_return std::move(out);
}

// Takes the user's cart row (creating it), so concurrent changes of one cart run one at a time.
void lock_cart(sql::transaction& tx, std::int64_t user_id, std::int64_t now_s) {
  auto bumped = tx.exec(
      "UPDATE carts SET version = version + 1, updated_at = $2 WHERE user_id = $1",
      {user_id, now_s});
  if (bumped.affected == 0) {
    tx.exec("INSERT INTO carts (user_id, version, updated_at) VALUES ($1, 1, $2)",
            {user_id, now_s});
  }
}

std::vector<cart_line> read_lines(sql::transaction& tx, std::int64_t user_id) {
  auto rows = tx.exec(
      "SELECT product_id, quantity FROM cart_lines WHERE user_id = $1 "
      "ORDER BY product_id LIMIT $2",
      {user_id, static_cast<std::int64_t>(max_lines)});
  std::vector<cart_line> out;
  out.reserve(rows.size());
  for (const auto& r : rows.data) {
    out.push_back(cart_line{r.get_int(0), r.get_int(1)});
  }
  return out;
}

const cart_line* find_line(const std::vector<cart_line>& lines, std::int64_t product_id) {
  for (const auto& l : lines) {
    if (l.product_id == product_id) {
      return &l;
    }
  }
  return nullptr;
}

// Writes one line's new quantity: removed at 0, inserted when new, updated otherwise.
void write_line(sql::transaction& tx, std::int64_t user_id, std::int64_t product_id,
                std::int64_t old_quantity, std::int64_t new_quantity, std::int64_t now_s) {
  QM_ASSERT(new_quantity >= 0 && new_quantity <= max_line_quantity);
  if (new_quantity == 0) {
    tx.exec("DELETE FROM cart_lines WHERE user_id = $1 AND product_id = $2",
            {user_id, product_id});
  } else if (old_quantity == 0) {
    tx.exec(
        "INSERT INTO cart_lines (user_id, product_id, quantity, added_at) "
        "VALUES ($1, $2, $3, $4)",
        {user_id, product_id, new_quantity, now_s});
  } else {
    tx.exec("UPDATE cart_lines SET quantity = $3 WHERE user_id = $1 AND product_id = $2",
            {user_id, product_id, new_quantity});
  }
}

}  // namespace

std::span<const rt::migration> cart_migrations() {
  static const std::array<rt::migration, 1> list = {
      rt::migration{1, "cart_initial_schema", cart_schema_sql()},
  };
  return list;
}

task<db_result<std::vector<cart_line>>> cart_store::lines(std::int64_t user_id) {
  auto body = [user_id](sql::transaction& tx) { return read_lines(tx, user_id); };
  co_return co_await rt::transact_value<std::vector<cart_line>>(db_, timeout_, body);
}

task<db_result<add_outcome>> cart_store::add(std::int64_t user_id, cart_line line,
                                             std::int64_t now_s) {
  auto body = [user_id, line, now_s](sql::transaction& tx) {
    lock_cart(tx, user_id, now_s);
    add_outcome out;
    out.lines = read_lines(tx, user_id);
    const cart_line* existing = find_line(out.lines, line.product_id);
    const std::int64_t old_quantity = existing == nullptr ? 0 : existing->quantity;
    auto next = quantity_after_add(old_quantity, line.quantity, out.lines.size());
    if (!next) {
      out.status = next.error() == add_refusal::cart_full ? add_status::cart_full
                                                          : add_status::quantity_limit;
      return out;
    }
    write_line(tx, user_id, line.product_id, old_quantity, *next, now_s);
    // The cart row's lock keeps every other change out, so the lines are what was read
    // plus this write; reading them again would give the same.
    out.lines = with_quantity(std::move(out.lines), line.product_id, *next);
    return out;
  };
  co_return co_await transact_retrying<add_outcome>(db_, timeout_, body);
}

task<db_result<std::optional<std::vector<cart_line>>>> cart_store::set_quantity(
    std::int64_t user_id, cart_line line, std::int64_t now_s) {
  QM_ASSERT(line.quantity >= 0 && line.quantity <= max_line_quantity);
  using changed_lines = std::optional<std::vector<cart_line>>;
  auto body = [user_id, line, now_s](sql::transaction& tx) -> changed_lines {
    lock_cart(tx, user_id, now_s);
    auto before = read_lines(tx, user_id);
    const cart_line* existing = find_line(before, line.product_id);
    if (existing == nullptr) {
      return std::nullopt;
    }
    write_line(tx, user_id, line.product_id, existing->quantity, line.quantity, now_s);
    return with_quantity(std::move(before), line.product_id, line.quantity);
  };
  co_return co_await transact_retrying<changed_lines>(db_, timeout_, body);
}

task<db_result<std::int64_t>> cart_store::clear(std::int64_t user_id, std::int64_t now_s) {
  auto body = [user_id, now_s](sql::transaction& tx) {
    lock_cart(tx, user_id, now_s);
    return tx.exec("DELETE FROM cart_lines WHERE user_id = $1", {user_id}).affected;
  };
  co_return co_await transact_retrying<std::int64_t>(db_, timeout_, body);
}

task<db_result<checkout_outcome>> cart_store::apply_checkout(std::int64_t user_id,
                                                             std::int64_t order_id,
                                                             std::vector<cart_line> ordered,
                                                             std::int64_t now_s) {
  QM_ASSERT(ordered.size() <= max_lines);
  auto body = [user_id, order_id, &ordered, now_s](sql::transaction& tx) {
    lock_cart(tx, user_id, now_s);
    checkout_outcome out;
    const auto before = read_lines(tx, user_id);
    if (!tx.exec("SELECT 1 FROM applied_checkouts WHERE order_id = $1", {order_id}).empty()) {
      out.lines = before;
      return out;
    }
    tx.exec("INSERT INTO applied_checkouts (order_id, user_id, applied_at) VALUES ($1, $2, $3)",
            {order_id, user_id, now_s});
    const auto after = after_checkout(before, ordered);
    for (const auto& old : before) {
      const cart_line* kept = find_line(after, old.product_id);
      const std::int64_t new_quantity = kept == nullptr ? 0 : kept->quantity;
      if (new_quantity != old.quantity) {
        write_line(tx, user_id, old.product_id, old.quantity, new_quantity, now_s);
      }
    }
    out.applied = true;
    out.lines = after;
    return out;
  };
  co_return co_await transact_retrying<checkout_outcome>(db_, timeout_, body);
}

}  // namespace qm::cart
