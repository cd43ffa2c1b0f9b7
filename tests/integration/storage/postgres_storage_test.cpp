// PostgreSQL-specific behaviour of postgres_storage on a real server: typed errors, the
// deadline, serialization conflicts, lost connections and reconnection, the bounded queue,
// and results that arrive after their caller gave up.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <span>
#include <thread>

#include <pqxx/pqxx>

#include <gtest/gtest.h>

#include "runtime/migrations.hpp"
#include "runtime/postgres/connection_url.hpp"
#include "runtime/postgres/errors.hpp"
#include "runtime/postgres/postgres_storage.hpp"
#include "tests/integration/storage/test_databases.hpp"

namespace qm::test {
namespace {

using rt::postgres::postgres_storage;

class postgres_storage_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const postgres_availability pg = postgres_from_environment();
    if (pg.skip) {
      GTEST_SKIP() << pg.reason;
    }
    ASSERT_TRUE(pg.url.has_value()) << pg.reason;
    server_ = *pg.url;
    database_ = std::make_unique<scratch_database>(server_);
  }
  void TearDown() override {
    storage_.reset();
    drain(loop_, std::chrono::milliseconds(0));
    database_.reset();
  }

  postgres_storage& open(const rt::postgres::options& opts = {}) {
    storage_ = std::make_unique<postgres_storage>(database_->url(), loop_, opts);
    return *storage_;
  }

  template <typename T>
  T run(task<T> t) {
    auto out = run_on(loop_, std::move(t));
    QM_ASSERT_MSG(out.has_value(), "the task did not finish");
    return std::move(*out);
  }

  rt::db_status exec(std::string statement, duration timeout = seconds(10)) {
    return run(storage_->transact(
        [statement = std::move(statement)](sql::transaction& tx) { tx.exec(statement); }, timeout));
  }

  result<sql::rows, sql::error> query(std::string statement, sql::params args = {}) {
    return run(rt::transact_value<sql::rows>(
        *storage_, seconds(10),
        [statement = std::move(statement), args = std::move(args)](sql::transaction& tx) {
          return tx.exec(statement, args);
        }));
  }

  std::int64_t backend_pid() {
    auto r = query("SELECT pg_backend_pid()");
    QM_ASSERT_MSG(r.ok(), "pg_backend_pid failed");
    return r->front().get_int(0);
  }

  // Turns the loop until pred holds (bounded; fails the test when it never does).
  template <typename Pred>
  void turn_until(Pred pred) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!pred() && std::chrono::steady_clock::now() < give_up) {
      drain(loop_, std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(pred()) << "condition never held";
  }

  boost::asio::io_context loop_;
  std::string server_;
  std::unique_ptr<scratch_database> database_;
  std::unique_ptr<postgres_storage> storage_;
};

task<void> record(task<rt::db_status> t, std::optional<rt::db_status>& out) {
  out.emplace(co_await std::move(t));
}

TEST_F(postgres_storage_test, errors_are_typed) {
  open();
  ASSERT_TRUE(exec("CREATE TABLE t (id BIGINT PRIMARY KEY, v BIGINT NOT NULL CHECK (v >= 0))").ok());
  ASSERT_TRUE(exec("INSERT INTO t VALUES (1, 1)").ok());

  auto unique = exec("INSERT INTO t VALUES (1, 2)");
  ASSERT_FALSE(unique.ok());
  EXPECT_EQ(unique.error().code, sql::errc::unique_violation) << unique.error().message;
  auto check = exec("INSERT INTO t VALUES (2, -1)");
  ASSERT_FALSE(check.ok());
  EXPECT_EQ(check.error().code, sql::errc::constraint_violation) << check.error().message;
  auto not_null = exec("INSERT INTO t VALUES (3, NULL)");
  ASSERT_FALSE(not_null.ok());
  EXPECT_EQ(not_null.error().code, sql::errc::constraint_violation);
  auto syntax = exec("SELEKT 1");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.error().code, sql::errc::query_error);
  EXPECT_NE(syntax.error().message.find("syntax"), std::string::npos) << syntax.error().message;
  auto arity = query("SELECT $1::BIGINT + $2::BIGINT", {std::int64_t{1}});
  ASSERT_FALSE(arity.ok());
  EXPECT_EQ(arity.error().code, sql::errc::query_error);
  // No error carries the connection string.
  for (const auto& e : {unique.error(), check.error(), syntax.error()}) {
    EXPECT_EQ(e.message.find(database_->url()), std::string::npos);
  }
  // The pool survived every failure.
  auto sum = query("SELECT SUM(v) FROM t");
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->front().get_int(0), 1);
}

TEST_F(postgres_storage_test, sqlstates_map_to_errc) {
  using rt::postgres::map_sqlstate;
  EXPECT_EQ(map_sqlstate("23505"), sql::errc::unique_violation);
  EXPECT_EQ(map_sqlstate("23503"), sql::errc::constraint_violation);
  EXPECT_EQ(map_sqlstate("40001"), sql::errc::serialization_conflict);
  EXPECT_EQ(map_sqlstate("40P01"), sql::errc::serialization_conflict);
  EXPECT_EQ(map_sqlstate("57014"), sql::errc::timeout);
  EXPECT_EQ(map_sqlstate("57P01"), sql::errc::unavailable);
  EXPECT_EQ(map_sqlstate("08006"), sql::errc::unavailable);
  EXPECT_EQ(map_sqlstate("42601"), sql::errc::query_error);
  EXPECT_EQ(map_sqlstate(""), sql::errc::query_error);
}

TEST_F(postgres_storage_test, values_keep_their_types) {
  open();
  auto r = query("SELECT $1::BIGINT, $2::DOUBLE PRECISION, $3::TEXT, NULL::BIGINT, 2::SMALLINT, "
                 "TRUE, 1.5::NUMERIC",
                 {std::int64_t{-42}, 0.1, std::string("x'y")});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const sql::row& row = r->front();
  EXPECT_EQ(std::get<std::int64_t>(row.at(0)), -42);
  EXPECT_EQ(std::get<double>(row.at(1)), 0.1);
  EXPECT_EQ(std::get<std::string>(row.at(2)), "x'y");
  EXPECT_TRUE(row.is_null(3));
  EXPECT_EQ(std::get<std::int64_t>(row.at(4)), 2);
  EXPECT_EQ(std::get<std::int64_t>(row.at(5)), 1);
  EXPECT_EQ(row.get_double(6), 1.5);
  auto changed = run(rt::transact_value<std::int64_t>(*storage_, seconds(10), [](sql::transaction& tx) {
    tx.exec("CREATE TABLE c (k BIGINT)");
    tx.exec("INSERT INTO c SELECT generate_series(1, 5)");
    return tx.exec("UPDATE c SET k = k + 1 WHERE k > $1", {std::int64_t{2}}).affected;
  }));
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed, 3);
}

TEST_F(postgres_storage_test, a_slow_statement_times_out_and_the_pool_goes_on) {
  open({.pool_size = 1});
  auto slow = exec("SELECT pg_sleep(2)", ms(200));
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().code, sql::errc::timeout) << slow.error().message;
  // The single connection is back and usable (the server cancelled the sleep).
  auto next = query("SELECT 7");
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->front().get_int(0), 7);
}

TEST_F(postgres_storage_test, concurrent_serializable_writers_conflict) {
  open({.pool_size = 2});
  ASSERT_TRUE(exec("CREATE TABLE doctors (id BIGINT PRIMARY KEY, on_call BIGINT NOT NULL)").ok());
  ASSERT_TRUE(exec("INSERT INTO doctors VALUES (1, 1), (2, 1)").ok());
  // Write skew: each reads both rows, waits so the other reads too, then takes one off call.
  auto leave = [this](std::int64_t id) {
    return storage_->transact(
        [id](sql::transaction& tx) {
          tx.exec("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
          auto on_call = tx.exec("SELECT SUM(on_call) FROM doctors").front().get_int(0);
          tx.exec("SELECT pg_sleep(0.3)");
          if (on_call >= 2) {
            tx.exec("UPDATE doctors SET on_call = 0 WHERE id = $1", {id});
          }
        },
        seconds(10));
  };
  std::optional<rt::db_status> a;
  std::optional<rt::db_status> b;
  task_scope scope;
  ASSERT_TRUE(scope.spawn(record(leave(1), a)));
  ASSERT_TRUE(scope.spawn(record(leave(2), b)));
  turn_until([&] { return a.has_value() && b.has_value(); });
  ASSERT_TRUE(a.has_value() && b.has_value());
  ASSERT_NE(a->ok(), b->ok()) << "exactly one of the two must lose";
  const sql::error& lost = a->ok() ? b->error() : a->error();
  EXPECT_EQ(lost.code, sql::errc::serialization_conflict) << lost.message;
  EXPECT_TRUE(sql::is_transient(lost.code));
  auto left = query("SELECT SUM(on_call) FROM doctors");
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left->front().get_int(0), 1);
}

TEST_F(postgres_storage_test, a_lost_connection_is_replaced) {
  auto& db = open({.pool_size = 1});
  const std::int64_t first_pid = backend_pid();
  {
    pqxx::connection other(database_->url());
    pqxx::nontransaction tx(other);
    auto killed = tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()");
    ASSERT_GE(killed.size(), 1u);
  }
  // The pooled connection still looks open; its first statement finds the backend gone. Nothing
  // of the transaction reached a server, so it runs on a new connection: the caller never
  // sees the dead one.
  auto next = query("SELECT pg_backend_pid()");
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_NE(next->front().get_int(0), first_pid);
  EXPECT_EQ(db.stats().connections_opened, 2u);
  EXPECT_EQ(db.stats().connections_dropped, 1u);
}

TEST_F(postgres_storage_test, an_unreachable_server_is_unavailable_without_leaking_the_password) {
  const std::string url = "postgresql://quickmart:s3cret-pw@127.0.0.1:1/nothing";
  storage_ = std::make_unique<postgres_storage>(url, loop_, rt::postgres::options{.pool_size = 1});
  auto r = exec("SELECT 1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sql::errc::unavailable);
  EXPECT_EQ(r.error().message.find("s3cret-pw"), std::string::npos) << r.error().message;
  EXPECT_EQ(storage_->stats().transactions_started, 0u);
  EXPECT_EQ(storage_->stats().connect_failures, 1u);
}

TEST_F(postgres_storage_test, connects_again_after_a_failure_once_the_backoff_passed) {
  // A long backoff: the second call must not try to connect.
  const std::string url = "postgresql://quickmart@127.0.0.1:1/nothing";
  storage_ = std::make_unique<postgres_storage>(
      url, loop_, rt::postgres::options{.pool_size = 1, .reconnect_backoff = seconds(60)});
  ASSERT_FALSE(exec("SELECT 1").ok());
  auto quick = exec("SELECT 1");
  ASSERT_FALSE(quick.ok());
  EXPECT_EQ(quick.error().code, sql::errc::unavailable);
  EXPECT_EQ(storage_->stats().connect_failures, 1u);
  // With no backoff, every call tries again (and the real server answers).
  storage_ = std::make_unique<postgres_storage>(
      database_->url(), loop_, rt::postgres::options{.pool_size = 1, .reconnect_backoff = ms(0)});
  auto ok = exec("SELECT 1");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
}

TEST_F(postgres_storage_test, a_full_queue_refuses_at_once) {
  auto& db = open({.pool_size = 1, .worker_threads = 1, .max_queued_jobs = 2});
  std::optional<rt::db_status> busy;
  std::optional<rt::db_status> q1;
  std::optional<rt::db_status> q2;
  std::optional<rt::db_status> refused;
  task_scope scope;
  auto sleep_tx = [&] {
    return db.transact([](sql::transaction& tx) { tx.exec("SELECT pg_sleep(0.3)"); }, seconds(10));
  };
  ASSERT_TRUE(scope.spawn(record(sleep_tx(), busy)));
  // Wait for the only worker to take the first job, so the queue holds exactly what follows.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (db.stats().transactions_started == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(db.queued_jobs(), 0u);
  ASSERT_TRUE(scope.spawn(record(sleep_tx(), q1)));
  ASSERT_TRUE(scope.spawn(record(sleep_tx(), q2)));
  ASSERT_TRUE(scope.spawn(record(sleep_tx(), refused)));
  // Refused without a turn of the loop.
  ASSERT_TRUE(refused.has_value());
  ASSERT_FALSE(refused->ok());
  EXPECT_EQ(refused->error().code, sql::errc::unavailable);
  EXPECT_EQ(refused->error().message, "overloaded");
  EXPECT_EQ(db.stats().rejected_overloaded, 1u);
  turn_until([&] { return busy && q1 && q2; });
  EXPECT_TRUE(busy->ok());
  EXPECT_TRUE(q1->ok());
  EXPECT_TRUE(q2->ok());
}

TEST_F(postgres_storage_test, pool_counts_idle_and_in_use_connections) {
  auto& db = open({.pool_size = 3, .worker_threads = 2});
  // Connections open lazily: none yet.
  EXPECT_EQ(db.pool().idle, 0u);
  EXPECT_EQ(db.pool().in_use, 0u);
  ASSERT_TRUE(exec("SELECT 1").ok());
  EXPECT_EQ(db.pool().idle, 1u);
  EXPECT_EQ(db.pool().in_use, 0u);
  // Two slow transactions hold two connections (one was open, one opens now).
  std::optional<rt::db_status> a;
  std::optional<rt::db_status> b;
  task_scope scope;
  auto sleep_tx = [&] {
    return db.transact([](sql::transaction& tx) { tx.exec("SELECT pg_sleep(0.3)"); }, seconds(10));
  };
  ASSERT_TRUE(scope.spawn(record(sleep_tx(), a)));
  ASSERT_TRUE(scope.spawn(record(sleep_tx(), b)));
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (db.stats().transactions_started < 3 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(db.pool().in_use, 2u);
  EXPECT_EQ(db.pool().idle, 0u);
  turn_until([&] { return a && b; });
  EXPECT_EQ(db.pool().in_use, 0u);
  EXPECT_EQ(db.pool().idle, 2u);
  db.shutdown();
  EXPECT_EQ(db.pool().idle, 0u);
  EXPECT_EQ(db.pool().in_use, 0u);
}

TEST_F(postgres_storage_test, a_late_result_is_dropped_and_the_body_stops) {
  auto& db = open({.pool_size = 1});
  ASSERT_TRUE(exec("CREATE TABLE marks (k BIGINT)").ok());
  auto reached_end = std::make_shared<std::atomic<bool>>(false);
  // The body outlives its deadline between two statements: the caller hears timeout at the
  // deadline's turn of the loop, and the body gets no further statement.
  auto late = run(db.transact(
      [reached_end](sql::transaction& tx) {
        tx.exec("SELECT 1");
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        tx.exec("INSERT INTO marks VALUES (1)");
        reached_end->store(true);
      },
      ms(100)));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, sql::errc::timeout);
  EXPECT_EQ(db.stats().timed_out, 1u);
  turn_until([&] { return db.stats().late_results_dropped == 1; });
  EXPECT_FALSE(reached_end->load());
  // The connection went back to the pool of one, and nothing was committed.
  auto marks = query("SELECT COUNT(*) FROM marks");
  ASSERT_TRUE(marks.ok()) << marks.error().message;
  EXPECT_EQ(marks->front().get_int(0), 0);
}

TEST_F(postgres_storage_test, a_cancelled_caller_does_not_block_the_pool) {
  auto& db = open({.pool_size = 1});
  std::optional<rt::db_status> never;
  {
    task_scope scope;
    ASSERT_TRUE(scope.spawn(record(
        db.transact([](sql::transaction& tx) { tx.exec("SELECT pg_sleep(0.3)"); }, seconds(10)),
        never)));
    // Also one that is still queued when its caller goes away.
    ASSERT_TRUE(scope.spawn(record(
        db.transact([](sql::transaction& tx) { tx.exec("SELECT pg_sleep(5)"); }, seconds(10)),
        never)));
    scope.cancel_all();
  }
  EXPECT_FALSE(never.has_value());
  auto next = query("SELECT 1");
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_LE(db.stats().transactions_started, 2u);  // the abandoned queued job never ran
}

TEST_F(postgres_storage_test, shutdown_finishes_queued_work_then_refuses) {
  auto& db = open({.pool_size = 1, .worker_threads = 1});
  ASSERT_TRUE(exec("CREATE TABLE s (k BIGINT)").ok());
  std::optional<rt::db_status> first;
  std::optional<rt::db_status> second;
  task_scope scope;
  for (auto* out : {&first, &second}) {
    ASSERT_TRUE(scope.spawn(record(
        db.transact([](sql::transaction& tx) { tx.exec("INSERT INTO s VALUES (1)"); }, seconds(10)),
        *out)));
  }
  db.shutdown();
  turn_until([&] { return first && second; });
  EXPECT_TRUE(first->ok());
  EXPECT_TRUE(second->ok());
  auto refused = exec("SELECT 1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, sql::errc::unavailable);
  pqxx::connection check(database_->url());
  pqxx::nontransaction tx(check);
  EXPECT_EQ(tx.exec("SELECT COUNT(*) FROM s")[0][0].as<int>(), 2);
}

task<void> record_migration(rt::storage& db, std::span<const rt::migration> list,
                            std::optional<rt::db_status>& out) {
  auto status = co_await rt::apply_migrations(db, list);
  out.emplace(std::move(status));
}

TEST_F(postgres_storage_test, concurrent_starts_migrate_once) {
  auto& db = open({.pool_size = 4});
  const std::array<rt::migration, 2> list = {
      rt::migration{1, "first", "CREATE TABLE a (k BIGINT PRIMARY KEY); INSERT INTO a VALUES (1)"},
      rt::migration{2, "second", "CREATE TABLE b (k TEXT NOT NULL)"},
  };
  // Four service instances starting at once on a fresh database.
  std::array<std::optional<rt::db_status>, 4> outcomes;
  task_scope scope;
  for (auto& out : outcomes) {
    ASSERT_TRUE(scope.spawn(record_migration(db, list, out)));
  }
  turn_until([&] {
    return std::all_of(outcomes.begin(), outcomes.end(), [](const auto& o) { return o.has_value(); });
  });
  for (const auto& out : outcomes) {
    ASSERT_TRUE(out.has_value());
    EXPECT_TRUE(out->ok()) << out->error().message;
  }
  auto recorded = query("SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(recorded.ok());
  EXPECT_EQ(recorded->front().get_int(0), 2);
  auto rows = query("SELECT COUNT(*) FROM a");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->front().get_int(0), 1);
}

TEST(postgres_url, adds_a_connect_timeout_and_redacts_the_password) {
  using namespace rt::postgres;
  EXPECT_EQ(with_connect_timeout("postgresql://u@h:5/db", seconds(5)),
            "postgresql://u@h:5/db?connect_timeout=5");
  EXPECT_EQ(with_connect_timeout("postgresql://u@h/db?sslmode=disable", ms(100)),
            "postgresql://u@h/db?sslmode=disable&connect_timeout=2");
  EXPECT_EQ(with_connect_timeout("host=h dbname=d", seconds(3)), "host=h dbname=d connect_timeout=3");
  EXPECT_EQ(with_connect_timeout("host=h connect_timeout=9", seconds(3)), "host=h connect_timeout=9");
  EXPECT_EQ(password_of("postgresql://u:pw@h/db"), "pw");
  EXPECT_EQ(password_of("postgresql://u@h/db"), "");
  EXPECT_EQ(password_of("host=h password=pw dbname=d"), "pw");
  EXPECT_EQ(redact("a pw b pw", "pw"), "a *** b ***");
  EXPECT_EQ(redact("nothing", ""), "nothing");
  EXPECT_EQ(with_database("postgresql://u@h:5/postgres", "t_1"), "postgresql://u@h:5/t_1");
  EXPECT_EQ(with_database("postgresql://u@h:5", "t_1"), "postgresql://u@h:5/t_1");
  EXPECT_EQ(with_database("postgresql://u@h/x?a=b", "t_1"), "postgresql://u@h/t_1?a=b");
}

}  // namespace
}  // namespace qm::test
