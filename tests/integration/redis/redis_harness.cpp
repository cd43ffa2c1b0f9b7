#include "tests/integration/redis/redis_harness.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <sys/types.h>
#include <unistd.h>

namespace qm::test {

std::optional<std::string> redis_url_from_environment() {
  const char* url = std::getenv("QUICKMART_TEST_REDIS_URL");
  if (url == nullptr || *url == '\0') {
    return std::nullopt;
  }
  return std::string(url);
}

std::uint16_t free_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(
      io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

void turn_for(boost::asio::io_context& io, std::chrono::milliseconds d) {
  auto guard = boost::asio::make_work_guard(io);
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (io.stopped()) {
      io.restart();
    }
    io.run_one_until(until);
  }
}

private_redis::private_redis(std::string extra_args) : extra_args_(std::move(extra_args)) {
  char tmpl[] = "/tmp/quickmart-redis-test.XXXXXX";
  const char* made = mkdtemp(tmpl);
  QM_ASSERT_MSG(made != nullptr, "mkdtemp failed");
  dir_ = made;
  port_ = free_port();
}

private_redis::~private_redis() {
  stop();
  const std::string rm = "rm -rf '" + dir_ + "'";
  [[maybe_unused]] const int ignored = std::system(rm.c_str());
}

bool private_redis::available() {
  return std::system("command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1") == 0;
}

bool private_redis::start() {
  const std::string cmd = "redis-server --port " + std::to_string(port_) +
                          " --bind 127.0.0.1 --save '' --appendonly no --dir '" + dir_ +
                          "' --daemonize yes --pidfile '" + dir_ + "/redis.pid' --logfile '" + dir_ +
                          "/redis.log' " + extra_args_;
  if (std::system(cmd.c_str()) != 0) {
    return false;
  }
  // A server with requirepass answers PING with NOAUTH, which still says it is up.
  const std::string ping = "redis-cli -p " + std::to_string(port_) + " ping 2>/dev/null | grep -qE 'PONG|NOAUTH'";
  for (int i = 0; i < 100; ++i) {
    if (std::system(ping.c_str()) == 0) {
      std::ifstream pidfile(dir_ + "/redis.pid");
      pidfile >> pid_;
      return pid_ > 0;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

namespace {

// kill(pid, 0) also succeeds for a zombie, and a daemonized server's zombie lingers where the
// container's first process does not reap: read the state from /proc instead.
bool alive(int pid) {
  if (::kill(pid, 0) != 0) {
    return false;
  }
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, name, state;
  if (!(stat >> pid_field >> name >> state)) {
    return false;
  }
  return state != "Z" && state != "X";
}

}  // namespace

void private_redis::stop() {
  if (pid_ <= 0) {
    return;
  }
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 100 && alive(pid_); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = 0;
}

}  // namespace qm::test
