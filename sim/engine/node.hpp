#pragma once
// A simulated process. A service node hosts one rt::service built by a factory, serves HTTP
// requests through the router that service fills in, and can crash (every frame destroyed,
// in-memory state gone, database kept) and restart (a fresh service, router and start()). A
// client node only makes calls: it carries a clock, a random stream, an HTTP client and a
// task scope for workload coroutines.
//
// Generations: every start and every crash begins a new incarnation; events scheduled on
// behalf of an earlier one (a start retry) check the generation and do nothing.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/http/router.hpp"
#include "core/metrics/registry.hpp"
#include "core/task/task_scope.hpp"
#include "runtime/request_observer.hpp"
#include "runtime/runtime.hpp"
#include "runtime/service.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/prng.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/sim_http_client.hpp"
#include "sim/engine/sim_logger.hpp"
#include "sim/engine/sim_settings.hpp"
#include "sim/engine/trace.hpp"
#include "sim/engine/virtual_clock.hpp"

namespace qm::sim {

enum class node_kind : std::uint8_t { service, client };

using service_factory = std::function<std::unique_ptr<rt::service>(rt::runtime&)>;

struct node_config {
  std::string name;
  node_kind kind = node_kind::service;
  service_factory factory;  // services only
  std::map<std::string, std::string> settings;
  std::size_t max_in_flight = 10'000;  // requests being handled at once; beyond: 503 overloaded
  duration start_backoff_min = ms(50);
  duration start_backoff_max = seconds(2);
  std::uint32_t max_start_attempts = 10'000;  // per incarnation; then the node stays unstarted
};

struct node_stats {
  std::uint64_t requests_received = 0;   // requests that reached the node while it was up
  std::uint64_t requests_handled = 0;    // a handler ran to its end and answered
  std::uint64_t not_found = 0;           // 404
  std::uint64_t method_not_allowed = 0;  // 405
  std::uint64_t rejected_starting = 0;   // 503 starting
  std::uint64_t rejected_overloaded = 0; // 503 overloaded
  std::uint64_t handler_exceptions = 0;  // 500 from a handler that threw
  std::uint64_t crashes = 0;
  std::uint64_t restarts = 0;
  std::uint64_t start_attempts = 0;
  std::uint64_t start_failures = 0;
  std::uint64_t task_failures = 0;       // a root task ended by an exception
};

class node {
 public:
  node(node_config cfg, scheduler& sched, trace& tr, network& net, std::uint64_t root_seed);
  ~node();
  node(const node&) = delete;
  node& operator=(const node&) = delete;

  const std::string& name() const { return cfg_.name; }
  node_kind kind() const { return cfg_.kind; }
  bool up() const { return up_; }
  // Up and its service's start() has returned true.
  bool started() const { return started_; }
  bool listening() const { return up_ && cfg_.kind == node_kind::service; }
  std::uint64_t generation() const { return generation_; }
  // The node's index in the network's directory (set when the network attaches it).
  std::uint32_t net_id() const { return net_id_; }
  // The node's simulated network address, what a server sees as its peer: 10.77.<hi>.<lo>
  // from its network id, so every node (and so every simulated load balancer or client) has
  // a distinct, stable address.
  const std::string& address() const { return address_; }

  // The node's database handle (kept across crashes) and the shared kv, when it has them.
  void attach_storage(std::unique_ptr<rt::storage> s) { storage_ = std::move(s); }
  rt::storage* storage() { return storage_.get(); }
  void attach_kv(rt::kv* kv) { kv_ = kv; }

  // Service nodes: start() brings a down node up and runs its service's start() (retried with
  // capped exponential backoff while it fails); crash() takes it down; restart() = crash (if
  // up) + start.
  void start();
  void crash();
  void restart();

  // The network's delivery of a request to this (listening) node, which takes what it needs
  // of m (the network reuses the block).
  void receive(request_message& m);

  virtual_clock& clock() { return clock_; }
  prng& random() { return random_; }
  sim_http_client& http() { return http_; }
  task_scope& scope() { return scope_; }
  sim_logger& log() { return log_; }
  metrics::registry& metrics() { return metrics_; }
  sim_settings& settings() { return settings_; }
  // The current incarnation's service and router; null while down.
  rt::service* service() { return service_.get(); }
  http::router* router() { return router_.get(); }
  std::size_t in_flight() const { return in_flight_count_; }
  const node_stats& stats() const { return stats_; }

 private:
  // A request being handled; lives in the handler's frame, linked into the node's list in
  // arrival order so a crash can reset every caller deterministically.
  struct in_flight_entry {
    in_flight_entry(node& owner, call_reply r);
    ~in_flight_entry();
    in_flight_entry(const in_flight_entry&) = delete;
    in_flight_entry& operator=(const in_flight_entry&) = delete;
    void unlink();

    node& owner;
    call_reply reply;
    in_flight_entry* prev = nullptr;
    in_flight_entry* next = nullptr;
    bool linked = false;
  };

  void boot();
  void teardown();
  task<void> run_start();
  void start_failed(std::string_view why);
  task<void> serve(const http::handler* target, http::request_context ctx, call_reply reply);
  void answer(request_message& m, http::response r);
  // Sends the answer to a routed request: stamps X-Request-ID, counts and logs it.
  void answer_observed(call_reply reply, observe::request_scope& scope, time_point arrived,
                       http::response r);
  void trace_event(std::string_view kind, std::string_view detail);
  friend class network;  // sets net_id_ and address_ on attach

  node_config cfg_;
  scheduler& sched_;
  trace& trace_;
  network& net_;
  virtual_clock clock_;
  prng random_;
  sim_http_client http_;
  sim_logger log_;
  sim_settings settings_;
  metrics::registry metrics_;
  // Request, trace and span ids: a stream of their own, so tracing draws nothing from the
  // service's stream.
  prng ids_;
  rt::request_observer observer_;
  std::unique_ptr<rt::storage> storage_;
  rt::kv* kv_ = nullptr;

  // One incarnation: destroyed in teardown() in the reverse order of their use.
  std::unique_ptr<http::router> router_;
  std::unique_ptr<rt::runtime> runtime_;
  std::unique_ptr<rt::service> service_;

  bool up_ = false;
  bool started_ = false;
  std::uint64_t generation_ = 0;
  std::uint32_t net_id_ = 0;
  std::string address_;  // written once: every request's peer is a copy of it
  std::uint32_t start_attempts_ = 0;  // in this incarnation
  in_flight_entry* in_flight_head_ = nullptr;
  in_flight_entry* in_flight_tail_ = nullptr;
  std::size_t in_flight_count_ = 0;
  node_stats stats_;
  std::string scratch_;

  // Last, so it is destroyed first: its frames may use every member above.
  task_scope scope_;
};

}  // namespace qm::sim
