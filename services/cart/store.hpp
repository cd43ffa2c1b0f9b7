#pragma once
// Every SQL statement of the cart service, run through rt::storage with $n parameters and a
// timeout. Database failures come back as sql::error for the handler to map (transient
// errors become 503). Every change returns the lines as they are after it, read in the same
// transaction.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/migrations.hpp"
#include "runtime/storage.hpp"
#include "services/cart/domain/cart_rules.hpp"

namespace qm::cart {

// cart_db's schema migrations, in order (schema.sql).
std::span<const rt::migration> cart_migrations();

template <typename T>
using db_result = result<T, sql::error>;

enum class add_status : std::uint8_t { added, quantity_limit, cart_full };

// In both outcomes the vector comes first: with it after a smaller member, g++ 12 reports a
// false -Wfree-nonheap-object on the coroutine frame that holds the result.

struct add_outcome {
  std::vector<cart_line> lines;  // the cart after the call (unchanged when refused)
  add_status status = add_status::added;
};

struct checkout_outcome {
  std::vector<cart_line> lines;  // the cart after the call
  bool applied = false;          // false: this order id had been applied before
};

class cart_store {
 public:
  cart_store(rt::storage& db, duration timeout) : db_(db), timeout_(timeout) {}

  // The user's lines by product id (at most max_lines).
  task<db_result<std::vector<cart_line>>> lines(std::int64_t user_id);
  // Adds line.quantity units to the user's line for line.product_id, within the bounds.
  task<db_result<add_outcome>> add(std::int64_t user_id, cart_line line, std::int64_t now_s);
  // Sets the line's quantity (0 removes it); nullopt when the user has no such line.
  task<db_result<std::optional<std::vector<cart_line>>>> set_quantity(std::int64_t user_id,
                                                                      cart_line line,
                                                                      std::int64_t now_s);
  // Removes every line of the user; the number of lines removed.
  task<db_result<std::int64_t>> clear(std::int64_t user_id, std::int64_t now_s);
  // Takes an order's lines out of the cart once per order id.
  task<db_result<checkout_outcome>> apply_checkout(std::int64_t user_id, std::int64_t order_id,
                                                   std::vector<cart_line> ordered,
                                                   std::int64_t now_s);

 private:
  rt::storage& db_;
  duration timeout_;
};

}  // namespace qm::cart
