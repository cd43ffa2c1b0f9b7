#pragma once
// A small in-process host for route-level tests: real services on a manual clock, a seeded
// random stream, SQLite storage behind a switchable fault, and an HTTP client that hands a
// request straight to another host's router. Every await in this world completes inline, so
// a request runs to its answer in one call.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/router.hpp"
#include "core/metrics/registry.hpp"
#include "core/task/task.hpp"
#include "runtime/runtime.hpp"
#include "runtime/service.hpp"
#include "sim/engine/prng.hpp"

namespace qm::test {

// Runs t to completion now; it must not suspend on anything outside this thread's call.
template <typename T>
T run_now(task<T> t) {
  auto h = t.handle();
  QM_ASSERT(h);
  h.resume();
  QM_ASSERT_MSG(h.done(), "the task suspended; the harness only runs inline work");
  return h.promise().take();
}

class manual_clock final : public rt::clock {
 public:
  explicit manual_clock(time_point start) : now_(start) {}
  time_point now() const override { return now_; }
  task<void> sleep(duration d) override;
  void advance(duration d) { now_ += d; }

 private:
  time_point now_;
};

class recording_logger final : public rt::logger {
 public:
  void write(rt::log_level level, std::string_view message, const observe::request_scope* scope,
             std::initializer_list<rt::log_field> fields) override;
  bool enabled(rt::log_level) const override { return true; }
  // True when some line contains text.
  bool saw(std::string_view text) const;
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
};

class map_settings final : public rt::settings {
 public:
  std::string get(std::string_view key) const override;
  void set(std::string key, std::string value) { values_[std::move(key)] = std::move(value); }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// Wraps a storage; while fail_with is set, every transaction fails with it before running.
class faulty_storage final : public rt::storage {
 public:
  explicit faulty_storage(std::unique_ptr<rt::storage> inner) : inner_(std::move(inner)) {}
  task<rt::db_status> transact(rt::transaction_body body, duration timeout) override;
  std::string_view engine() const override { return inner_->engine(); }

  std::optional<sql::errc> fail_with;
  std::uint64_t transactions = 0;
  duration last_timeout{0};

 private:
  std::unique_ptr<rt::storage> inner_;
};

// A fresh in-memory SQLite database behind a faulty_storage.
std::unique_ptr<faulty_storage> memory_storage();

// The peer address every dispatched request comes from (TEST-NET-1).
inline constexpr std::string_view test_peer_address = "192.0.2.10";

// Dispatches through a router as a server would: 404 / 405 when no route matches.
http::response dispatch(const http::router& routes, http::request req, time_point deadline = {});

// An HTTP client whose upstreams are routers in the same process.
class in_process_http final : public rt::http_client {
 public:
  void attach(std::string upstream, const http::router& routes) { upstreams_[std::move(upstream)] = &routes; }
  task<rt::call_result> request(std::string_view upstream, http::request req,
                                time_point deadline) override;

  // While set for an upstream, calls to it fail with this error instead of being delivered.
  std::map<std::string, rt::call_errc, std::less<>> failures;
  std::vector<http::request> sent;
  std::vector<time_point> deadlines;

 private:
  std::map<std::string, const http::router*, std::less<>> upstreams_;
};

// One service with its own runtime handle.
class service_host {
 public:
  service_host(std::string name, rt::clock& clock, rt::random& random, rt::http_client& http,
               rt::storage* storage);
  service_host(const service_host&) = delete;
  service_host& operator=(const service_host&) = delete;

  map_settings& config() { return config_; }
  recording_logger& log() { return log_; }
  metrics::registry& metrics() { return metrics_; }
  const http::router& routes() const { return routes_; }

  // Builds the service through the registry and runs start(); true when it started.
  bool start();
  // Builds the service with make instead (a service the registry does not know yet).
  using service_factory = std::function<std::unique_ptr<rt::service>(rt::runtime&)>;
  bool start_with(const service_factory& make);
  rt::runtime& runtime() { return runtime_; }
  // Dispatches req to the service. A request to /internal/* without a context header gets a
  // signed service context, as another service's call would carry.
  http::response handle(http::request req);

 private:
  http::router routes_;
  recording_logger log_;
  metrics::registry metrics_;
  map_settings config_;
  rt::runtime runtime_;
  std::unique_ptr<rt::service> service_;
};

http::request make_request(http::method verb, std::string target, std::string body = {});

}  // namespace qm::test
