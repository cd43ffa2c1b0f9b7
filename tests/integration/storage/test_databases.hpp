#pragma once
// The store suites' engines: a fresh SQLite database in memory, or a fresh PostgreSQL
// database on the private server scripts/test starts (QUICKMART_TEST_PG_URL), created per
// test and dropped afterwards. Both are driven from the test thread through one Asio loop,
// as a service process drives its storage.

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "core/task/task.hpp"
#include "core/task/task_scope.hpp"
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

}  // namespace qm::test
