#include "runtime/postgres/postgres_storage.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/base/assert.hpp"
#include "core/task/completion.hpp"
#include "runtime/postgres/connection_url.hpp"
#include "runtime/postgres/errors.hpp"
#include "runtime/postgres/statement.hpp"

namespace qm::rt::postgres {

namespace {

using steady = std::chrono::steady_clock;

// Where a job is, as far as the loop thread's right to give up on it is concerned: in
// `body` the worker runs the caller's code (which may touch the caller's frame), anywhere
// else it does not.
enum class job_phase : std::uint8_t { queued, database, body, finished };

struct job_outcome {
  db_status status;
  std::exception_ptr bug;  // a non-database exception from the body, rethrown on the loop
};

struct job {
  transaction_body body;
  steady::time_point deadline;
  completion<job_outcome> done;  // fulfilled on the loop thread only

  std::mutex mutex;
  std::condition_variable phase_changed;
  job_phase phase = job_phase::queued;
  bool abandoned = false;
};

void set_phase(job& j, job_phase phase) {
  {
    std::lock_guard lock(j.mutex);
    j.phase = phase;
  }
  j.phase_changed.notify_all();
}

// Called on the loop thread when the caller stops waiting. Returns once the body cannot run
// any more of its own code.
void abandon(job& j) {
  std::unique_lock lock(j.mutex);
  j.phase_changed.wait(lock, [&] { return j.phase != job_phase::body; });
  j.abandoned = true;
}

sql::error abandoned_error() {
  return {sql::errc::timeout, "transaction abandoned: its deadline passed"};
}

// Runs abandon() when the transact() frame ends, whether it finished or was destroyed.
struct abandon_guard {
  std::shared_ptr<job> j;
  explicit abandon_guard(std::shared_ptr<job> target) : j(std::move(target)) {}
  abandon_guard(const abandon_guard&) = delete;
  abandon_guard& operator=(const abandon_guard&) = delete;
  ~abandon_guard() { abandon(*j); }
};

// The sql::transaction a body sees: every statement runs with the job's phase at
// `database`, and a job abandoned meanwhile never returns into the body.
class worker_transaction final : public sql::transaction {
 public:
  worker_transaction(pqxx::transaction_base& tx, job& j, std::size_t max_rows)
      : tx_(tx), job_(j), max_rows_(max_rows) {}

  sql::rows exec(std::string_view statement, const sql::params& args) override {
    enter_database();
    std::exception_ptr failure;
    sql::rows out;
    try {
      out = run_statement(tx_, statement, args, max_rows_);
    } catch (...) {
      failure = std::current_exception();
    }
    leave_database();
    if (failure) {
      throw sql::db_exception(map_exception(failure));
    }
    return out;
  }

 private:
  void enter_database() {
    {
      std::lock_guard lock(job_.mutex);
      // Past the deadline the caller hears (or is about to hear) timeout: start nothing new.
      if (job_.abandoned || steady::now() >= job_.deadline) {
        throw sql::db_exception(abandoned_error());
      }
      job_.phase = job_phase::database;
    }
    job_.phase_changed.notify_all();
  }
  void leave_database() {
    {
      std::lock_guard lock(job_.mutex);
      if (job_.abandoned) {
        // The caller is gone: unwind (which runs no body code that matters) instead of
        // returning rows into a frame that may no longer exist.
        throw sql::db_exception(abandoned_error());
      }
      job_.phase = job_phase::body;
    }
    job_.phase_changed.notify_all();
  }

  pqxx::transaction_base& tx_;
  job& job_;
  std::size_t max_rows_;
};

// Sets the job's phase for the body's run and back once the body has unwound or returned.
struct body_phase {
  job& j;
  explicit body_phase(job& target) : j(target) {
    std::lock_guard lock(j.mutex);
    if (j.abandoned) {
      throw sql::db_exception(abandoned_error());
    }
    j.phase = job_phase::body;
  }
  body_phase(const body_phase&) = delete;
  body_phase& operator=(const body_phase&) = delete;
  ~body_phase() { set_phase(j, job_phase::database); }
};

}  // namespace

struct postgres_storage::shared : std::enable_shared_from_this<postgres_storage::shared> {
  shared(std::string url_in, boost::asio::io_context& loop_in, const options& opts_in)
      : connection_string(with_connect_timeout(url_in, opts_in.connect_timeout)),
        password(password_of(url_in)),
        loop(loop_in),
        opts(opts_in) {}

  const std::string connection_string;
  const std::string password;
  boost::asio::io_context& loop;
  const options opts;

  std::mutex mutex;
  std::condition_variable work_ready;
  std::condition_variable connection_ready;
  std::deque<std::shared_ptr<job>> queue;
  // Idle connection slots; an empty slot connects on its next use.
  std::vector<std::unique_ptr<pqxx::connection>> idle;
  std::size_t taken = 0;  // slots a worker holds (db_pool_connections{state="in_use"})
  std::vector<std::thread> workers;
  bool stopping = false;

  std::atomic<std::uint64_t> transactions_started{0};
  std::atomic<std::uint64_t> rejected_overloaded{0};
  std::atomic<std::uint64_t> timed_out{0};
  std::atomic<std::uint64_t> late_results_dropped{0};
  std::atomic<std::uint64_t> connections_opened{0};
  std::atomic<std::uint64_t> connections_dropped{0};
  std::atomic<std::uint64_t> connect_failures{0};
  std::atomic<steady::rep> last_connect_failure_ns{0};  // 0: the last attempt worked

  void worker_loop();
  std::unique_ptr<pqxx::connection> take_connection();
  void return_connection(std::unique_ptr<pqxx::connection> conn);
  job_outcome run(job& j, std::unique_ptr<pqxx::connection>& conn);
  std::optional<sql::error> connect(std::unique_ptr<pqxx::connection>& conn);
  std::unique_ptr<pqxx::work> begin(std::unique_ptr<pqxx::connection>& conn,
                                    std::int64_t statement_timeout_ms);
};

std::unique_ptr<pqxx::connection> postgres_storage::shared::take_connection() {
  std::unique_lock lock(mutex);
  connection_ready.wait(lock, [&] { return !idle.empty(); });
  auto conn = std::move(idle.back());
  idle.pop_back();
  ++taken;
  return conn;
}

void postgres_storage::shared::return_connection(std::unique_ptr<pqxx::connection> conn) {
  {
    std::lock_guard lock(mutex);
    idle.push_back(std::move(conn));
    --taken;
    QM_ASSERT(idle.size() <= opts.pool_size);
  }
  connection_ready.notify_one();
}

std::optional<sql::error> postgres_storage::shared::connect(std::unique_ptr<pqxx::connection>& conn) {
  // Right after a failed attempt the server is most likely still down: answer at once
  // instead of making every queued job wait out its own connect attempt.
  const auto now_ns = steady::now().time_since_epoch().count();
  const auto backoff_ns = std::chrono::duration_cast<steady::duration>(opts.reconnect_backoff).count();
  const auto failed_ns = last_connect_failure_ns.load();
  if (failed_ns != 0 && now_ns - failed_ns < backoff_ns) {
    return sql::error{sql::errc::unavailable, "cannot connect to the database (retrying shortly)"};
  }
  try {
    conn = std::make_unique<pqxx::connection>(connection_string);
    connections_opened.fetch_add(1);
    // Notices (CREATE TABLE IF NOT EXISTS on an existing table, say) are not errors; without
    // this libpqxx prints each one on stderr.
    pqxx::nontransaction setup(*conn);
    setup.exec("SET client_min_messages TO warning");
    last_connect_failure_ns.store(0);
    return std::nullopt;
  } catch (...) {
    conn.reset();
    connect_failures.fetch_add(1);
    last_connect_failure_ns.store(steady::now().time_since_epoch().count());
    const sql::error e = map_exception(std::current_exception());
    return sql::error{sql::errc::unavailable,
                      redact("cannot connect to the database: " + e.message, password)};
  }
}

// Begins a transaction whose statements stop at statement_timeout_ms. A pooled connection whose
// server restarted still says it is open until it is used, so its first statement fails with
// broken_connection. Nothing of the transaction has reached a server then, so it is begun once
// more on a new connection: otherwise every connection of the pool would fail one caller
// (a 503) after each database restart. Throws what the second attempt, or connecting, threw;
// a failure on a connection that is still open is thrown at once.
std::unique_ptr<pqxx::work> postgres_storage::shared::begin(
    std::unique_ptr<pqxx::connection>& conn, std::int64_t statement_timeout_ms) {
  const std::string set_timeout =
      "SET LOCAL statement_timeout = " + std::to_string(statement_timeout_ms);
  try {
    auto tx = std::make_unique<pqxx::work>(*conn);
    tx->exec(set_timeout);
    return tx;
  } catch (const pqxx::failure&) {
    // A server that ended the session may first send its reason (admin_shutdown, an SQL
    // error) rather than just close: what tells a lost connection is that it is closed now.
    if (conn->is_open()) {
      throw;
    }
    conn.reset();
    connections_dropped.fetch_add(1);
    if (auto failed = connect(conn)) {
      throw pqxx::broken_connection(failed->message);
    }
  }
  auto tx = std::make_unique<pqxx::work>(*conn);
  tx->exec(set_timeout);
  return tx;
}

job_outcome postgres_storage::shared::run(job& j, std::unique_ptr<pqxx::connection>& conn) {
  if (conn && !conn->is_open()) {
    conn.reset();
    connections_dropped.fetch_add(1);
  }
  if (!conn) {
    if (auto failed = connect(conn)) {
      return {make_unexpected(std::move(*failed)), nullptr};
    }
  }
  const auto remaining_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(j.deadline - steady::now()).count();
  if (remaining_ms <= 0) {
    return {make_unexpected(abandoned_error()), nullptr};
  }
  transactions_started.fetch_add(1);
  try {
    // The server stops any single statement at the deadline, freeing this worker too.
    const std::unique_ptr<pqxx::work> tx = begin(conn, remaining_ms);
    worker_transaction wrapped(*tx, j, opts.max_result_rows);
    {
      body_phase in_body(j);
      j.body(wrapped);
    }
    // A commit after the deadline would change data behind a caller told timeout.
    if (steady::now() >= j.deadline) {
      return {make_unexpected(abandoned_error()), nullptr};
    }
    tx->commit();
    return {db_status{}, nullptr};
  } catch (...) {
    std::exception_ptr failure = std::current_exception();
    if (!is_database_exception(failure)) {
      return {make_unexpected(sql::error{sql::errc::query_error, "the transaction body failed"}),
              failure};
    }
    sql::error e = map_exception(failure);
    e.message = redact(std::move(e.message), password);
    return {make_unexpected(std::move(e)), nullptr};
  }
}

void postgres_storage::shared::worker_loop() {
  for (;;) {
    std::shared_ptr<job> j;
    {
      std::unique_lock lock(mutex);
      work_ready.wait(lock, [&] { return stopping || !queue.empty(); });
      if (queue.empty()) {
        return;
      }
      j = std::move(queue.front());
      queue.pop_front();
    }
    {
      std::lock_guard lock(j->mutex);
      if (j->abandoned) {
        continue;  // the caller gave up while the job waited: nothing to run or report
      }
      j->phase = job_phase::database;
    }
    std::unique_ptr<pqxx::connection> conn = take_connection();
    job_outcome outcome = run(*j, conn);
    if (conn && !conn->is_open()) {
      conn.reset();
      connections_dropped.fetch_add(1);
    }
    return_connection(std::move(conn));
    set_phase(*j, job_phase::finished);
    // The handler may run after the storage is gone (the loop outlives it): it keeps the
    // shared state alive for its counter and touches nothing else but the job.
    boost::asio::post(loop, [j, outcome = std::move(outcome), self = shared_from_this()]() mutable {
      if (!j->done.fulfil(std::move(outcome))) {
        self->late_results_dropped.fetch_add(1);
      }
    });
  }
}

postgres_storage::postgres_storage(std::string url, boost::asio::io_context& loop,
                                   const options& opts)
    : shared_(std::make_shared<shared>(std::move(url), loop, opts)) {
  QM_ASSERT_MSG(opts.pool_size > 0, "a PostgreSQL pool needs at least one connection");
  QM_ASSERT_MSG(opts.max_queued_jobs > 0, "a PostgreSQL job queue needs room for one job");
  QM_ASSERT(opts.max_result_rows > 0);
  const std::size_t workers = opts.worker_threads == 0 ? opts.pool_size : opts.worker_threads;
  QM_ASSERT_MSG(workers <= 64, "worker threads are a small pool");
  shared_->idle.resize(opts.pool_size);
  shared_->workers.reserve(workers);
  for (std::size_t i = 0; i < workers; ++i) {
    shared_->workers.emplace_back([s = shared_.get()] { s->worker_loop(); });
  }
}

postgres_storage::~postgres_storage() { shutdown(); }

void postgres_storage::shutdown() {
  {
    std::lock_guard lock(shared_->mutex);
    if (shared_->stopping && shared_->workers.empty()) {
      return;
    }
    shared_->stopping = true;
  }
  shared_->work_ready.notify_all();
  for (std::thread& t : shared_->workers) {
    t.join();
  }
  shared_->workers.clear();
  std::lock_guard lock(shared_->mutex);
  shared_->idle.clear();
}

storage_stats postgres_storage::stats() const {
  return {shared_->transactions_started.load(), shared_->rejected_overloaded.load(),
          shared_->timed_out.load(),            shared_->late_results_dropped.load(),
          shared_->connections_opened.load(),   shared_->connections_dropped.load(),
          shared_->connect_failures.load()};
}

pool_counts postgres_storage::pool() const {
  std::lock_guard lock(shared_->mutex);
  pool_counts out;
  out.in_use = shared_->taken;
  for (const auto& conn : shared_->idle) {
    if (conn && conn->is_open()) {
      ++out.idle;
    }
  }
  return out;
}

std::size_t postgres_storage::queued_jobs() const {
  std::lock_guard lock(shared_->mutex);
  return shared_->queue.size();
}

task<db_status> postgres_storage::transact(transaction_body body, duration timeout) {
  QM_ASSERT_MSG(static_cast<bool>(body), "a transaction needs a body");
  auto j = std::make_shared<job>();
  j->body = std::move(body);
  j->deadline = steady::now() + timeout;
  {
    std::lock_guard lock(shared_->mutex);
    if (shared_->stopping) {
      co_return make_unexpected(sql::error{sql::errc::unavailable, "storage is shutting down"});
    }
    if (shared_->queue.size() >= shared_->opts.max_queued_jobs) {
      shared_->rejected_overloaded.fetch_add(1);
      co_return make_unexpected(sql::error{sql::errc::unavailable, "overloaded"});
    }
    shared_->queue.push_back(j);
  }
  shared_->work_ready.notify_one();

  abandon_guard guard{j};
  boost::asio::steady_timer timer(shared_->loop, std::chrono::duration_cast<steady::duration>(timeout));
  timer.async_wait([j, s = shared_](const boost::system::error_code& ec) {
    if (ec) {
      return;  // cancelled: the outcome came first
    }
    abandon(*j);
    if (j->done.fulfil(job_outcome{make_unexpected(abandoned_error()), nullptr})) {
      s->timed_out.fetch_add(1);
    }
  });
  job_outcome outcome = co_await j->done;
  if (outcome.bug) {
    std::rethrow_exception(outcome.bug);
  }
  co_return std::move(outcome.status);
}

}  // namespace qm::rt::postgres
