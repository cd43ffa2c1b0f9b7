#pragma once
// rt::storage on PostgreSQL through libpqxx: a bounded pool of connections used by a small
// pool of worker threads, resuming the waiting coroutine on the process's event loop.
//
// transact() queues a job (a full queue answers unavailable at once) and suspends. A worker
// takes a pooled connection (connecting lazily; a broken one is dropped and replaced on a
// later use, so the service recovers when the database returns), runs BEGIN, sets the
// statement timeout from the transaction's deadline, runs the body, COMMITs, and posts the
// outcome to the loop. A timer on the loop answers timeout at the deadline; a worker result
// arriving later is dropped, and its connection still returns to the pool.
//
// The body runs on a worker thread and usually refers to the waiting coroutine's frame. So
// once the caller has given up (deadline, or its frame destroyed), the job is abandoned: a
// queued job never starts, and a running body gets no further statement (exec throws). The
// loop thread gives up only while the body is inside a statement or not running at all; if
// it is between statements it waits for the body to reach its next statement or its end,
// which is why bodies must stay short (they are: a few statements and some bookkeeping).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/base/time.hpp"
#include "runtime/storage.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace qm::rt::postgres {

struct options {
  std::size_t pool_size = 4;          // connections kept open at most
  std::size_t worker_threads = 0;     // 0: as many as pool_size
  std::size_t max_queued_jobs = 256;  // jobs waiting for a worker; beyond: unavailable
  std::size_t max_result_rows = 100'000;  // a bigger result fails with query_error
  duration connect_timeout = seconds(5);
  // After a failed connect, transactions needing a new connection fail at once for this long
  // (an outage answers 503 quickly instead of queueing connect attempts).
  duration reconnect_backoff = ms(200);
};

// Counters for health reports and tests; read on any thread.
struct storage_stats {
  std::uint64_t transactions_started = 0;  // bodies a worker began
  std::uint64_t rejected_overloaded = 0;   // refused because the queue was full
  std::uint64_t timed_out = 0;             // answered timeout by the loop's timer
  std::uint64_t late_results_dropped = 0;  // worker outcomes that found the caller gone
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_dropped = 0;   // discarded as broken
  std::uint64_t connect_failures = 0;      // connect attempts that failed
};

// The pool's connections right now: open and waiting for a job, and held by a worker. Slots
// not connected yet (or dropped as broken) are neither.
struct pool_counts {
  std::size_t idle = 0;
  std::size_t in_use = 0;
};

class postgres_storage final : public rt::storage {
 public:
  // url: a libpq connection URI or keyword string; never echoed in errors or logs.
  // loop: the single-threaded event loop that runs this process's coroutines; it must
  // outlive the storage.
  postgres_storage(std::string url, boost::asio::io_context& loop, const options& opts = {});
  ~postgres_storage() override;
  postgres_storage(const postgres_storage&) = delete;
  postgres_storage& operator=(const postgres_storage&) = delete;

  // Call on the loop thread. Errors: see sql::errc; timeout covers queueing, connecting and
  // running. A non-database exception thrown by body is rethrown here.
  task<db_status> transact(transaction_body body, duration timeout) override;
  std::string_view engine() const override { return "postgres"; }

  // Refuses new transactions, lets the queued ones run (each within its own deadline), then
  // joins the workers and closes the connections. Idempotent; the destructor calls it.
  void shutdown();

  storage_stats stats() const;
  std::size_t queued_jobs() const;
  // Read on any thread (db_pool_connections).
  pool_counts pool() const;

  struct shared;  // state shared with workers and with handlers posted to the loop

 private:
  std::shared_ptr<shared> shared_;
};

}  // namespace qm::rt::postgres
