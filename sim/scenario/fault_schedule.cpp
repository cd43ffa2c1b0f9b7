#include "sim/scenario/fault_schedule.hpp"

#include "services/registry.hpp"
#include "sim/cluster/cluster.hpp"
#include "sim/scenario/network_config.hpp"
#include "sim/storage/storage_cluster.hpp"

namespace qm::sim {

fault_schedule::fault_schedule(cluster& c, const scenario& s, time_point run_start)
    : cluster_(c), scenario_(s), run_start_(run_start) {
  const time_point run_end = run_start_ + scenario_.length;
  for (const auto& f : scenario_.faults) {
    fault_window w{run_start_ + f.at, run_end};
    if (f.length) {
      w.end = std::min(run_end, w.begin + *f.length);
    } else if (f.restart_after) {
      w.end = std::min(run_end, w.begin + *f.restart_after);
    }
    windows_.push_back(w);
  }
}

void fault_schedule::arm() {
  for (const auto& f : scenario_.faults) {
    cluster_.sched().at_time(run_start_ + f.at, [this, &f] { apply(f); });
    if (f.length) {
      cluster_.sched().at_time(run_start_ + f.at + *f.length, [this, &f] { undo(f); });
    } else if (f.kind == fault_kind::crash && f.restart_after) {
      cluster_.sched().at_time(run_start_ + f.at + *f.restart_after, [this, &f] { undo(f); });
    }
  }
}

void fault_schedule::apply(const fault_spec& f) {
  ++applied_;
  auto& storage = cluster_.storage();
  const std::string database(services::database_of(f.target));
  switch (f.kind) {
    case fault_kind::partition:
      cluster_.partition(f.target, f.peer, f.one_way);
      break;
    case fault_kind::crash:
      cluster_.crash(f.target);
      break;
    case fault_kind::db_unavailable: {
      auto faults = storage.faults(database);
      faults.unavailable = true;
      storage.set_faults(database, faults);
      break;
    }
    case fault_kind::db_slow: {
      auto faults = storage.faults(database);
      // The loader admits only constant and uniform here: the storage layer draws uniformly.
      faults.latency_min = f.slow.a;
      faults.latency_max = f.slow.kind == "uniform" ? f.slow.b : f.slow.a;
      storage.set_faults(database, faults);
      break;
    }
    case fault_kind::db_errors: {
      auto faults = storage.faults(database);
      faults.error_rate = f.rate;
      storage.set_faults(database, faults);
      break;
    }
    case fault_kind::clock_skew:
      cluster_.set_skew(f.target, f.skew);
      break;
    case fault_kind::latency: {
      link_config link{to_latency_model(f.slow), f.rate};
      cluster_.set_link(f.target, f.peer, link);
      cluster_.set_link(f.peer, f.target, link);
      break;
    }
    case fault_kind::kv_unavailable: {
      kv_faults faults = cluster_.redis().faults();
      faults.unavailable = true;
      cluster_.redis().set_faults(faults);
      break;
    }
    case fault_kind::kv_slow: {
      kv_faults faults = cluster_.redis().faults();
      faults.latency = f.slow.a;  // the loader admits only a constant latency here
      cluster_.redis().set_faults(faults);
      break;
    }
  }
}

void fault_schedule::undo(const fault_spec& f) {
  auto& storage = cluster_.storage();
  const std::string database(services::database_of(f.target));
  switch (f.kind) {
    case fault_kind::partition:
      cluster_.heal(f.target, f.peer);
      break;
    case fault_kind::crash:
      cluster_.restart(f.target);
      break;
    case fault_kind::db_unavailable: {
      auto faults = storage.faults(database);
      faults.unavailable = false;
      storage.set_faults(database, faults);
      break;
    }
    case fault_kind::db_slow: {
      auto faults = storage.faults(database);
      faults.latency_min = duration(0);
      faults.latency_max = duration(0);
      storage.set_faults(database, faults);
      break;
    }
    case fault_kind::db_errors: {
      auto faults = storage.faults(database);
      faults.error_rate = 0;
      storage.set_faults(database, faults);
      break;
    }
    case fault_kind::clock_skew:
      cluster_.set_skew(f.target, duration(0));
      break;
    case fault_kind::latency: {
      const link_config normal = to_link_config(scenario_.network);
      cluster_.set_link(f.target, f.peer, normal);
      cluster_.set_link(f.peer, f.target, normal);
      break;
    }
    case fault_kind::kv_unavailable: {
      kv_faults faults = cluster_.redis().faults();
      faults.unavailable = false;
      cluster_.redis().set_faults(faults);
      break;
    }
    case fault_kind::kv_slow: {
      kv_faults faults = cluster_.redis().faults();
      faults.latency = duration(0);
      cluster_.redis().set_faults(faults);
      break;
    }
  }
}

}  // namespace qm::sim
