#pragma once
// The store suites' engines: a fresh SQLite database in memory, or a fresh PostgreSQL
// database on the private server scripts/test starts (QUICKMART_TEST_PG_URL), created per
// test and dropped afterwards. Both are driven from the test thread through one Asio loop,
// as a service process drives its storage.

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "core/base/assert.hpp"
#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/sql/sql.hpp"
#include "core/task/task.hpp"
#include "core/task/task_scope.hpp"
#include "runtime/migrations.hpp"
#include "runtime/postgres/postgres_storage.hpp"
#include "runtime/storage.hpp"

namespace qm::test {

// Why the PostgreSQL instances cannot run, or nullopt when they can. With the variable unset
// the suite fails (a silently skipped engine proves nothing) unless QUICKMART_TEST_SERVERS=0
// says the servers were left out on purpose; then skip is true.
struct postgres_availability {
  std::optional<std::string> url;
  bool skip = false;
  std::string reason;
};
postgres_availability postgres_from_environment();

// A database of its own on the test server, dropped (connections and all) on destruction.
class scratch_database {
 public:
  // server_url: any database URL on the server; the new database gets a random t_ name.
  explicit scratch_database(const std::string& server_url);
  ~scratch_database();
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string server_url_;
  std::string name_;
  std::string url_;
};

// server_url with its database name replaced by name.
std::string with_database(const std::string& server_url, const std::string& name);

template <typename T>
task<void> store_into(task<T> t, std::optional<T>& out) {
  out.emplace(co_await std::move(t));
}

// Runs t as a root task and turns the loop on this thread until it finishes (or a generous
// bound passes, which fails the test instead of hanging it).
template <typename T>
std::optional<T> run_on(boost::asio::io_context& loop, task<T> t,
                        std::chrono::seconds bound = std::chrono::seconds(60)) {
  std::optional<T> out;
  task_scope scope;
  EXPECT_TRUE(scope.spawn(store_into(std::move(t), out)));
  auto guard = boost::asio::make_work_guard(loop);
  const auto give_up = std::chrono::steady_clock::now() + bound;
  while (!out.has_value() && std::chrono::steady_clock::now() < give_up) {
    if (loop.stopped()) {
      loop.restart();
    }
    loop.run_one_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(out.has_value()) << "the task did not finish";
  return out;
}

// Starts racers tasks at once, make(i) giving the i-th, and turns the loop on this thread until
// all have finished (or a generous bound passes, which fails the test). On PostgreSQL the
// tasks' transactions run on parallel connections. Returns their results in start order.
template <typename T, typename MakeTask>
std::vector<std::optional<T>> run_racing(boost::asio::io_context& loop, std::size_t racers,
                                         MakeTask make,
                                         std::chrono::seconds bound = std::chrono::seconds(60)) {
  std::vector<std::optional<T>> outcomes(racers);
  const auto all_stored = [&] {
    for (const auto& o : outcomes) {
      if (!o.has_value()) {
        return false;
      }
    }
    return true;
  };
  task_scope scope;
  for (std::size_t i = 0; i < racers; ++i) {
    EXPECT_TRUE(scope.spawn(store_into(make(i), outcomes[i])));
  }
  auto guard = boost::asio::make_work_guard(loop);
  const auto give_up = std::chrono::steady_clock::now() + bound;
  while (!all_stored() && std::chrono::steady_clock::now() < give_up) {
    loop.run_one_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(all_stored()) << "a racing task did not finish";
  return outcomes;
}

// Runs whatever handlers are ready now (late worker results, cancelled timers).
void drain(boost::asio::io_context& loop, std::chrono::milliseconds for_at_least);

// One engine under test: its loop and its storage on a fresh database.
class engine_under_test {
 public:
  // engine: "sqlite" or "postgres". Returns nullptr (with the reason) when postgres cannot run.
  static std::unique_ptr<engine_under_test> open(const std::string& engine,
                                                 const std::string& postgres_server_url,
                                                 const rt::postgres::options& opts = {});
  ~engine_under_test();

  boost::asio::io_context& loop() { return *loop_; }
  rt::storage& storage() { return *storage_; }
  template <typename T>
  std::optional<T> run(task<T> t) {
    return run_on(*loop_, std::move(t));
  }

 private:
  engine_under_test() = default;
  std::unique_ptr<boost::asio::io_context> loop_;
  std::unique_ptr<scratch_database> database_;
  std::unique_ptr<rt::storage> storage_;
};

// The fixture of a store suite: each case runs once per engine (the parameter, "sqlite" or
// "postgres") on a fresh database holding the service's migrations. Without a server the
// PostgreSQL cases fail, or skip when QUICKMART_TEST_SERVERS=0 says so.
class migrated_engine_fixture : public ::testing::TestWithParam<std::string> {
 protected:
  // migrations must outlive the fixture (a suite's static list).
  explicit migrated_engine_fixture(std::span<const rt::migration> migrations)
      : migrations_(migrations) {}

  void SetUp() override;

  template <typename T>
  T run(task<T> t) {
    auto out = engine_->run(std::move(t));
    QM_ASSERT_MSG(out.has_value(), "the task did not finish");
    return std::move(*out);
  }

  // Runs one statement in its own transaction.
  rt::db_status exec(std::string statement, sql::params args = {});
  // The rows of one statement run in its own transaction.
  result<sql::rows, sql::error> query(std::string statement, sql::params args = {});

  std::unique_ptr<engine_under_test> engine_;

 private:
  std::span<const rt::migration> migrations_;
};

// migrated_engine_fixture with the service's store (built from the storage and a 10 s
// statement timeout) over the migrated database.
template <typename Store>
class store_engines_fixture : public migrated_engine_fixture {
 protected:
  using migrated_engine_fixture::migrated_engine_fixture;

  void SetUp() override {
    migrated_engine_fixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) {
      return;
    }
    store_.emplace(engine_->storage(), seconds(10));
  }

  Store& store() { return *store_; }

  std::optional<Store> store_;
};

}  // namespace qm::test
