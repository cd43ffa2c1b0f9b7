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
  kv_unavailable,  // the cluster's kv ("redis") refuses every call
  kv_slow,         // every kv call waits latency (constant) first; past its timeout it fails
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
  // The shop's invariants (need a shop section), from the databases and the clients' ledger.
  no_oversell,           // per product: stock >= 0 and sold <= initial + restocked
  no_duplicate_orders,   // one order per (user, idempotency key), the same id every time
  acknowledged_orders_exist,  // every order a client was told about exists, in a legal state
  money_adds_up,         // total = sum(price x quantity) + the delivery fee rule
  carts_cleared,         // after a successful checkout the customer's cart is empty
  no_dangling_reservations,   // nothing held past its expiry; confirmed ones belong to orders
  // Resilience (resilience_checks.hpp): outcomes, breakers, retries, rate limits, identity.
  never_outcomes,        // no selected request got one of the outcomes
  only_outcomes,         // every selected request got one of the allowed outcomes
  success_rate_during_fault,  // share of 2xx among requests wholly inside a fault window
  breaker_opens,         // node's breaker on upstream opens within a time of the fault's start
  breaker_blocks_calls,  // while open, node sends upstream nothing; half-open probes bounded
  breaker_closes,        // ... and closes within a time of the fault's end, staying closed
  breaker_stays_closed,  // node's breaker on upstream never opens, though node called it in a fault
  stale_served,          // listings inside the fault came from the gateway's stale cache
  retry_amplification,   // attempts node->upstream <= (1 + ratio) x logical calls + floor
  no_attempt_past_deadline,  // node never started a call whose deadline had passed
  rate_limit_holds,      // no subject admitted past its class limit in any sliding window
  rate_limit_headers,    // 429s (and admitted replies) carry correct rate-limit fields
  no_forged_writes,      // no row in cart_db or order_db for a forged user id (shop)
  metric_at_least,       // a counter on a node reached a minimum (the path was exercised)
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
  // Resilience checks.
  std::vector<std::string> outcomes;  // never_outcomes
  std::string except_step;         // never_outcomes: every step but this one
  std::optional<std::size_t> fault;  // never_outcomes: only requests overlapping this fault
  std::string node;                // breaker_*, retry_amplification, no_attempt_past_deadline, metric_at_least
  std::string upstream;            // breaker_*, retry_amplification
  double ratio = 0.2;              // retry_amplification: the retry budget's ratio
  double floor_per_s = 3;          // retry_amplification: the budget's floor
  duration window{10'000'000};     // retry_amplification: the budget's window
  std::int32_t max_probes = 3;     // breaker_blocks_calls: half_open_max_probes (= successes to close)
  std::string metric;              // metric_at_least: a counter's name
  std::map<std::string, std::string> labels;  // metric_at_least
};

// The shop (scenarios that run the product services): a catalogue the store's admin creates
// before customers arrive, delivery partners, the staff's packing loop and restocks.
struct shop_restock {
  duration at{0};           // after the run starts
  std::int64_t units = 0;   // added to every hot product
};

struct shop_spec {
  bool enabled = false;
  std::uint32_t categories = 4;
  std::uint32_t products = 60;
  std::int64_t stock_min = 3;
  std::int64_t stock_max = 10;
  std::int64_t price_min_paise = 1'000;
  std::int64_t price_max_paise = 30'000;
  std::uint32_t hot_products = 5;    // what the flash_sale flow goes for
  std::uint32_t partners = 10;
  duration pack_interval{500'000};   // the staff packs confirmed orders this often
  duration partner_poll{1'000'000};  // partners look at their assignments this often
  duration delivery_time{60'000'000};  // from pickup to the customer's door
  std::vector<shop_restock> restocks;
  duration settle{30'000'000};       // after the workload stops: outboxes drain, deliveries end
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
  shop_spec shop;
};

std::string_view to_string(fault_kind k);
std::string_view to_string(check_kind k);

}  // namespace qm::sim
