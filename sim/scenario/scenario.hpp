#pragma once
// A scenario as the simulator runs it: the cluster to start, the network, the workload, a
// timed fault schedule and the checks that must hold. Loaded from YAML by loader.hpp;
// the format is documented in docs/scenarios.md.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/base/time.hpp"

namespace qm::sim {

struct latency_spec {
  std::string kind = "constant";  // constant | uniform | normal | exponential
  duration a{1000};               // constant value, uniform min, normal mean, exponential mean
  duration b{0};                  // uniform max, normal stddev
};

struct network_spec {
  latency_spec latency;
  double drop_rate = 0;
};

struct flow_spec {
  std::string name;  // one of the flows in workload.hpp
  std::uint32_t weight = 1;
};

struct workload_spec {
  std::uint32_t clients = 10;            // virtual users; each runs one flow at a time
  double arrival_rate_per_s = 10;        // flow starts per virtual second (Poisson)
  duration request_timeout{2'000'000};   // each client request's deadline
  duration start_after{0};               // let the cluster start before the first flow
  std::vector<flow_spec> flows;
};

enum class fault_kind {
  partition,       // between: [a, b], one_way
  crash,           // target, restart_after (optional: stays down without it)
  db_unavailable,  // target (a service; its database)
  db_slow,         // target, latency
  db_errors,       // target, rate
  clock_skew,      // target, skew
  latency,         // between: [a, b] (both ways), latency, drop_rate
};

struct fault_spec {
  fault_kind kind = fault_kind::partition;
  int line = 0;  // where it stands in the file, for messages
  duration at{0};
  std::optional<duration> length;  // how long it lasts; none = to the end of the run
  std::string target;
  std::string peer;  // the second node for partition and latency
  bool one_way = false;
  latency_spec slow;
  double rate = 0;
  duration skew{0};
  std::optional<duration> restart_after;

  std::string describe() const;
};

enum class check_kind {
  no_server_errors,      // no 500 (or other 5xx but 503/504) answered to a client, ever
  success_rate,          // share of 2xx among flows' requests, optionally outside faults
  status_during_fault,   // requests of a step inside a fault window got only allowed outcomes
  recovers_after_fault,  // after the fault ends + within, requests of a step succeed again
  latency_p99_below,     // client-observed p99 below a bound
  database_isolation,    // every statement on a database came from its owning service
  no_handler_exceptions, // no handler ended by an exception
};

struct check_spec {
  check_kind kind = check_kind::no_server_errors;
  int line = 0;
  std::string name;                // as written in the file, for the report
  double min_rate = 0;             // success_rate, recovers_after_fault
  bool outside_faults = false;     // success_rate
  std::size_t fault_index = 0;     // status_during_fault, recovers_after_fault
  std::string step;                // "" = every step
  std::vector<std::string> allowed;  // outcomes: "2xx", "401", "503", "timeout", ...
  duration within{0};              // recovers_after_fault
  duration bound{0};               // latency_p99_below
};

struct scenario {
  std::string file;
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  duration length{60'000'000};
  std::vector<std::string> services;
  std::map<std::string, std::map<std::string, std::string>> settings;  // service -> key -> value
  network_spec network;
  workload_spec workload;
  std::vector<fault_spec> faults;
  std::vector<check_spec> checks;
};

std::string_view to_string(fault_kind k);
std::string_view to_string(check_kind k);

}  // namespace qm::sim
