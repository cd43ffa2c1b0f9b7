#pragma once
// The runtime's storage: SQL transactions on the service's own database, and only its own.
//
// A transaction body is a synchronous function: it runs statements through sql::transaction
// and never awaits. That keeps transactions short and lets production run them on a worker
// thread (libpqxx blocks) while simulation runs them inline; the coroutine waits for the
// outcome. The body must touch nothing but its own captures, since it may run on another
// thread. On any db_exception the engine rolls back and returns the error.

#include <functional>
#include <string_view>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/sql/sql.hpp"
#include "core/task/task.hpp"

namespace qm::rt {

using db_status = result<void, sql::error>;
using transaction_body = std::function<void(sql::transaction&)>;

class storage {
 public:
  virtual ~storage() = default;
  // Runs body in one transaction and commits it. Errors: see sql::errc.
  virtual task<db_status> transact(transaction_body body, duration timeout) = 0;
  // The engine's name, "sqlite" or "postgres", for logs and health reports.
  virtual std::string_view engine() const = 0;
};

// Convenience: a transaction whose body computes a value.
template <typename T, typename Body>
task<result<T, sql::error>> transact_value(storage& db, duration timeout, Body body) {
  T out{};
  // A named body, not a lambda written inside the co_await: g++ 12 mishandles the lifetime
  // of a capturing lambda temporary in a co_await expression.
  transaction_body run = [&](sql::transaction& tx) { out = body(tx); };
  db_status status = co_await db.transact(std::move(run), timeout);
  if (!status) {
    co_return make_unexpected(status.error());
  }
  co_return std::move(out);
}

}  // namespace qm::rt
