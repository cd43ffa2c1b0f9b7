#pragma once
// Shared by the Redis suites: the server under test (QUICKMART_TEST_REDIS_URL, or a private
// redis-server a test starts itself), and running coroutines to completion on a loop.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "core/task/task.hpp"
#include "tests/integration/storage/test_databases.hpp"

namespace qm::test {

// The URL scripts/test exported, or nothing (the suites skip).
std::optional<std::string> redis_url_from_environment();

// A TCP port on 127.0.0.1 that nobody listens on right now.
std::uint16_t free_port();

// A redis-server of the test's own (restart drills, AUTH), in a scratch directory.
class private_redis {
 public:
  explicit private_redis(std::string extra_args = "");
  ~private_redis();
  private_redis(const private_redis&) = delete;
  private_redis& operator=(const private_redis&) = delete;

  static bool available();  // redis-server and redis-cli on PATH
  bool start();             // on port(), waits until it answers PING
  void stop();              // SIGTERM, waits until the process is gone
  std::uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string dir_;
  std::string extra_args_;
  std::uint16_t port_ = 0;
  int pid_ = 0;
};

// Turns the loop for at least d (timers, late replies).
void turn_for(boost::asio::io_context& io, std::chrono::milliseconds d);

// run_on(io, task): tests/integration/storage/test_databases.hpp's.

}  // namespace qm::test
