#pragma once
// The simulated cluster: one scheduler, one trace, one network, the storage cluster, the
// shared kv store ("redis") and the nodes. The scenario runner drives it: it adds services and
// clients, starts them, injects faults, runs virtual time and reads the observations. Nothing
// here parses scenarios.
//
// A service node's rt::runtime is assembled from its virtual clock, its PRNG stream
// ("node/<name>"), its HTTP client, the router of its current incarnation, the storage handle
// from storage_cluster::connect(name, database, credential) (null without a database), the kv
// store (when it uses one), its logger, its metrics registry and its settings.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/task/task_scope.hpp"
#include "runtime/clock.hpp"
#include "runtime/http_client.hpp"
#include "runtime/random.hpp"
#include "sim/engine/latency.hpp"
#include "sim/engine/network.hpp"
#include "sim/engine/node.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/sim_kv.hpp"
#include "sim/engine/trace.hpp"
#include "sim/storage/storage_cluster.hpp"

namespace qm::sim {

struct service_spec {
  std::string name;  // node name = upstream name, e.g. "auth", "gateway"
  service_factory factory;
  std::string database;    // "" when the service has no database
  std::string credential;  // that database's credential
  std::map<std::string, std::string> settings;
  bool uses_kv = false;
  std::size_t max_in_flight = 10'000;
};

struct cluster_options {
  std::uint64_t seed = 1;
  bool keep_trace_lines = false;
  link_config default_link{};
  std::size_t max_trace_lines = 5'000'000;
  std::size_t max_in_flight_per_link = network::default_max_in_flight_per_link;
  kv_options kv{};
  rt::log_level log_threshold = rt::log_level::info;
};

// Totals over the whole cluster, for checks and the summary.
struct cluster_stats {
  network_stats net;
  node_stats services;  // summed over service nodes
  kv_stats kv;
};

class cluster {
 public:
  explicit cluster(cluster_options o);
  ~cluster();
  cluster(const cluster&) = delete;
  cluster& operator=(const cluster&) = delete;

  scheduler& sched() { return sched_; }
  trace& events() { return trace_; }
  storage_cluster& storage() { return *storage_; }
  sim_kv& redis() { return kv_; }
  network& net() { return net_; }
  const cluster_options& options() const { return options_; }

  // Creates the database (if any) in the storage cluster, connects, creates the node (down
  // until started). Names are unique across services and clients.
  void add_service(service_spec spec);
  // Starts a node: runs its service's start() as a root task (retried while it fails).
  void start(std::string_view node);
  // Every service not yet up, in insertion order.
  void start_all();

  // A client node: an rt::http_client + clock + random + task_scope for workload coroutines.
  struct client {
    rt::http_client& http;
    rt::clock& clock;
    rt::random& random;
    task_scope& scope;
  };
  client& add_client(std::string name);

  // Faults. Each names a node that exists (a bug otherwise); each is traced.
  void crash(std::string_view node);
  void restart(std::string_view node);
  void set_skew(std::string_view node, duration skew);
  void partition(std::string_view a, std::string_view b, bool one_way);
  void heal(std::string_view a, std::string_view b);
  void heal_all();
  void set_link(std::string_view from, std::string_view to, link_config c);
  void clear_link(std::string_view from, std::string_view to);
  void set_default_link(link_config c);

  bool has_node(std::string_view name) const;
  bool is_up(std::string_view node) const;
  bool is_started(std::string_view node) const;
  // The node itself, for what the runner needs beyond this API (its metrics, logger, stats).
  node& node_at(std::string_view name);
  const node& node_at(std::string_view name) const;
  // Service names in insertion order.
  const std::vector<std::string>& service_names() const { return service_order_; }

  // Observations.
  std::uint64_t late_replies_dropped() const { return net_.stats().late_replies_dropped; }
  std::uint64_t messages_sent() const { return net_.stats().sent; }
  std::uint64_t messages_dropped() const { return net_.stats().dropped(); }
  std::uint64_t timeouts() const { return net_.stats().timeouts; }
  std::uint64_t handler_exceptions() const;
  cluster_stats stats() const;

  // Drives the scheduler up to t (time passes even when nothing happens).
  void run_until(time_point t) { sched_.run_until(t); }
  void run_for(duration d) { sched_.run_until(sched_.now() + d); }

 private:
  node& add_node(node_config cfg);

  cluster_options options_;
  scheduler sched_;
  trace trace_;
  std::unique_ptr<storage_cluster> storage_;
  network net_;
  sim_kv kv_;
  std::vector<std::string> service_order_;
  // Last: nodes go first (their frames hold storage handles and kv calls), then clients' views.
  std::map<std::string, std::unique_ptr<node>, std::less<>> nodes_;
  std::vector<std::unique_ptr<client>> clients_;
};

}  // namespace qm::sim
