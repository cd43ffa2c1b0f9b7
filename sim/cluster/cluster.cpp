#include "sim/cluster/cluster.hpp"

#include "core/base/assert.hpp"
#include "runtime/instrumented_storage.hpp"
#include "sim/engine/text.hpp"

namespace qm::sim {

cluster::cluster(cluster_options o)
    : options_(std::move(o)),
      sched_(),
      trace_(options_.keep_trace_lines, options_.max_trace_lines),
      storage_(std::make_unique<storage_cluster>(sched_, trace_, options_.seed)),
      net_(sched_, trace_, options_.seed, options_.default_link, options_.max_in_flight_per_link),
      kv_(sched_, trace_, options_.kv) {
  std::string detail = "seed=";
  append_int(detail, options_.seed);
  detail += " link=";
  detail += describe(options_.default_link);
  trace_.record(sched_.now(), "sim", "cluster", detail);
}

cluster::~cluster() {
  // Clients' views point into nodes; nodes' frames and storage handles go before the storage
  // cluster, the kv store and the scheduler they wait on.
  clients_.clear();
  nodes_.clear();
}

node& cluster::add_node(node_config cfg) {
  QM_ASSERT_MSG(!has_node(cfg.name), ("two nodes named " + cfg.name).c_str());
  QM_ASSERT_MSG(cfg.name != options_.kv.name, "a node may not take the kv store's name");
  std::string name = cfg.name;
  auto n = std::make_unique<node>(std::move(cfg), sched_, trace_, net_, options_.seed);
  n->log().set_threshold(options_.log_threshold);
  node& ref = *n;
  nodes_.emplace(std::move(name), std::move(n));
  return ref;
}

void cluster::add_service(service_spec spec) {
  node_config cfg;
  cfg.name = spec.name;
  cfg.kind = node_kind::service;
  cfg.factory = std::move(spec.factory);
  cfg.settings = std::move(spec.settings);
  cfg.max_in_flight = spec.max_in_flight;
  node& n = add_node(std::move(cfg));
  n.metrics().set_constant_labels({{"service", spec.name}});
  if (!spec.database.empty()) {
    if (!storage_->has_database(spec.database)) {
      storage_->create_database(spec.database, spec.credential);
    }
    // Measured as in production (db_query_duration_seconds), on the node's virtual clock.
    n.attach_storage(std::make_unique<rt::instrumented_storage>(
        storage_->connect(spec.name, spec.database, spec.credential), n.clock(), n.metrics()));
  }
  if (spec.uses_kv) {
    n.attach_kv(&kv_);
  }
  service_order_.push_back(spec.name);
  std::string detail = "db=";
  detail += spec.database.empty() ? "-" : spec.database;
  detail += spec.uses_kv ? " kv" : "";
  trace_.record(sched_.now(), spec.name, "added", detail);
}

cluster::client& cluster::add_client(std::string name) {
  node_config cfg;
  cfg.name = std::move(name);
  cfg.kind = node_kind::client;
  node& n = add_node(std::move(cfg));
  clients_.push_back(std::make_unique<client>(client{n.http(), n.clock(), n.random(), n.scope()}));
  trace_.record(sched_.now(), n.name(), "added", "client");
  return *clients_.back();
}

bool cluster::has_node(std::string_view name) const { return nodes_.find(name) != nodes_.end(); }

node& cluster::node_at(std::string_view name) {
  auto it = nodes_.find(name);
  QM_ASSERT_MSG(it != nodes_.end(), ("no node named " + std::string(name)).c_str());
  return *it->second;
}

const node& cluster::node_at(std::string_view name) const {
  auto it = nodes_.find(name);
  QM_ASSERT_MSG(it != nodes_.end(), ("no node named " + std::string(name)).c_str());
  return *it->second;
}

void cluster::start(std::string_view name) { node_at(name).start(); }

void cluster::start_all() {
  for (const auto& name : service_order_) {
    node& n = node_at(name);
    if (!n.up()) {
      n.start();
    }
  }
}

void cluster::crash(std::string_view name) { node_at(name).crash(); }

void cluster::restart(std::string_view name) { node_at(name).restart(); }

void cluster::set_skew(std::string_view name, duration skew) {
  node& n = node_at(name);
  n.clock().set_skew(skew);
  std::string detail;
  append_duration(detail, skew);
  trace_.record(sched_.now(), n.name(), "skew", detail);
}

void cluster::partition(std::string_view a, std::string_view b, bool one_way) {
  QM_ASSERT_MSG(has_node(a) && has_node(b), "a partition names two nodes");
  net_.partition(a, b, one_way);
}

void cluster::heal(std::string_view a, std::string_view b) { net_.heal(a, b); }

void cluster::heal_all() { net_.heal_all(); }

void cluster::set_link(std::string_view from, std::string_view to, link_config c) {
  QM_ASSERT_MSG(has_node(from) && has_node(to), "a link joins two nodes");
  net_.set_link(from, to, c);
}

void cluster::clear_link(std::string_view from, std::string_view to) { net_.clear_link(from, to); }

void cluster::set_default_link(link_config c) { net_.set_default_link(c); }

bool cluster::is_up(std::string_view name) const { return node_at(name).up(); }

bool cluster::is_started(std::string_view name) const { return node_at(name).started(); }

std::uint64_t cluster::handler_exceptions() const {
  std::uint64_t n = 0;
  for (const auto& [name, nd] : nodes_) {
    n += nd->stats().handler_exceptions;
  }
  return n;
}

cluster_stats cluster::stats() const {
  cluster_stats out;
  out.net = net_.stats();
  out.kv = kv_.stats();
  for (const auto& [name, nd] : nodes_) {
    if (nd->kind() != node_kind::service) {
      continue;
    }
    const node_stats& s = nd->stats();
    node_stats& t = out.services;
    t.requests_received += s.requests_received;
    t.requests_handled += s.requests_handled;
    t.not_found += s.not_found;
    t.method_not_allowed += s.method_not_allowed;
    t.rejected_starting += s.rejected_starting;
    t.rejected_overloaded += s.rejected_overloaded;
    t.handler_exceptions += s.handler_exceptions;
    t.crashes += s.crashes;
    t.restarts += s.restarts;
    t.start_attempts += s.start_attempts;
    t.start_failures += s.start_failures;
    t.task_failures += s.task_failures;
  }
  return out;
}

}  // namespace qm::sim
