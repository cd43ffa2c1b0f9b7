#pragma once
// A small simulated world for the engine's tests: a scheduler, a trace, a network and nodes,
// plus helpers to run a call from a client node and look at its outcome.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/task/task.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/node.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/trace.hpp"

namespace qm::sim::testing {

inline link_config constant_link(duration latency) {
  link_config c;
  c.latency.type = latency_model::kind::constant;
  c.latency.a = latency;
  return c;
}

struct world {
  explicit world(std::uint64_t seed = 1, link_config link = constant_link(ms(1)))
      : seed(seed), net(sched, events, seed, link) {}
  // Nodes go first: their frames may hold completions whose timers sit in the scheduler.
  ~world() { nodes.clear(); }

  node& add_service(std::string name, service_factory f, std::size_t max_in_flight = 10'000) {
    node_config c;
    c.name = std::move(name);
    c.kind = node_kind::service;
    c.factory = std::move(f);
    c.max_in_flight = max_in_flight;
    nodes.push_back(std::make_unique<node>(std::move(c), sched, events, net, seed));
    return *nodes.back();
  }
  node& add_client(std::string name) {
    node_config c;
    c.name = std::move(name);
    c.kind = node_kind::client;
    nodes.push_back(std::make_unique<node>(std::move(c), sched, events, net, seed));
    return *nodes.back();
  }
  void run_for(duration d) { sched.run_until(sched.now() + d); }

  std::uint64_t seed;
  scheduler sched;
  trace events{true};
  network net;
  std::vector<std::unique_ptr<node>> nodes;
};

struct call_probe {
  std::optional<rt::call_result> result;
  time_point finished_at{};  // scheduler time

  bool done() const { return result.has_value(); }
  int status() const { return result && result->ok() ? result->value().status : -1; }
  std::optional<rt::call_errc> error() const {
    if (result && !result->ok()) {
      return result->error().code;
    }
    return std::nullopt;
  }
  std::string body() const { return result && result->ok() ? result->value().body : std::string(); }
};

inline task<void> run_call(node& from, std::string upstream, http::request req, time_point deadline,
                           std::shared_ptr<call_probe> out, scheduler* sched) {
  auto r = co_await from.http().request(upstream, std::move(req), deadline);
  out->result.emplace(std::move(r));
  out->finished_at = sched->now();
}

// Starts a call from `from` (a client) now; its deadline is `timeout` on from's clock.
inline std::shared_ptr<call_probe> start_call(world& w, node& from, std::string upstream,
                                              http::method verb, std::string target,
                                              duration timeout = seconds(5)) {
  auto probe = std::make_shared<call_probe>();
  http::request req;
  req.verb = verb;
  req.target = std::move(target);
  const bool spawned = from.scope().spawn(
      run_call(from, std::move(upstream), std::move(req), from.clock().now() + timeout, probe, &w.sched));
  QM_ASSERT(spawned);
  return probe;
}

}  // namespace qm::sim::testing
