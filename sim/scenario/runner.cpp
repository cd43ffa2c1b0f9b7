#include "sim/scenario/runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/task/task_scope.hpp"
#include "services/registry.hpp"
#include "sim/cluster/cluster.hpp"
#include "sim/engine/prng.hpp"
#include "sim/engine/trace.hpp"
#include "sim/scenario/fault_schedule.hpp"
#include "sim/scenario/network_config.hpp"
#include "sim/scenario/resilience_checks.hpp"
#include "sim/scenario/shop_staff.hpp"
#include "sim/scenario/workload.hpp"
#include "sim/storage/storage_cluster.hpp"

namespace qm::sim {

namespace {

constexpr std::string_view gateway_node = "gateway";
constexpr std::string_view client_node = "client";
constexpr std::string_view staff_node = "staff";
constexpr std::string_view admin_email = "admin@sim.quickmart.test";

std::string hex64(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::string admin_password(std::uint64_t seed) {
  return "sim-admin-" + hex64(prng::derive(seed, "secret/admin").next_u64()) +
         hex64(prng::derive(seed, "secret/admin2").next_u64());
}

// Secrets and credentials differ per run but follow from the seed, like everything else.
std::map<std::string, std::string> default_settings(std::string_view service, std::uint64_t seed,
                                                    bool shop) {
  std::map<std::string, std::string> s;
  const std::string secret = hex64(prng::derive(seed, "secret/token").next_u64()) +
                             hex64(prng::derive(seed, "secret/token2").next_u64());
  // Every service verifies the caller the gateway signs with the context secret.
  s["context_secret"] = hex64(prng::derive(seed, "secret/context").next_u64()) +
                        hex64(prng::derive(seed, "secret/context2").next_u64());
  if (service == "gateway") {
    // The client node plays the load balancer in front of the gateway: the cluster's own
    // addresses (10.77.0.0/16) are the proxies whose X-Forwarded-For the gateway believes.
    s["trusted_proxies"] = "10.77.0.0/16";
    // As in the docker deployment, the gateway holds auth's token secret, so it can verify
    // tokens itself while auth is unreachable.
    s["token_secret"] = secret;
  }
  if (service == "auth") {
    s["token_secret"] = secret;
    // The smallest cost scrypt allows: a password's strength means nothing in the simulator, and
    // at N=16 hashing was 6% of checkout_rush's instructions (500 registrations, 500 logins).
    s["scrypt_n"] = "2";
    if (shop) {
      s["admin_email"] = std::string(admin_email);
      s["admin_password"] = admin_password(seed);
    }
  }
  return s;
}

// A service's setting as the run gives it: the scenario's value, else the default.
std::string effective_setting(const scenario& s, const std::string& service, const std::string& key,
                              std::uint64_t seed) {
  if (auto svc = s.settings.find(service); svc != s.settings.end()) {
    if (auto it = svc->second.find(key); it != svc->second.end()) {
      return it->second;
    }
  }
  const auto defaults = default_settings(service, seed, s.shop.enabled);
  const auto it = defaults.find(key);
  return it == defaults.end() ? std::string() : it->second;
}

std::string credential_for(std::string_view database, std::uint64_t seed) {
  return "cred-" + std::string(database) + "-" + hex64(prng::derive(seed, "credential/" + std::string(database)).next_u64());
}

std::string ms_text(duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f ms", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

// The deterministic part of the report.
std::string summarize(const scenario& s, std::uint64_t seed, const outcome_log& log,
                      const workload_counters& wc, const fault_schedule& faults,
                      const std::vector<check_result>& checks, const shop_world* shop) {
  std::map<std::string, std::uint64_t> by_outcome;
  std::vector<duration> latencies;
  for (const auto& r : log.records()) {
    const std::string word = r.outcome == call_outcome::answered && r.status / 100 == 2 ? "2xx" : outcome_word(r);
    ++by_outcome[word];
    if (r.outcome == call_outcome::answered) {
      latencies.push_back(r.end - r.start);
    }
  }
  std::string out;
  out += "scenario: " + s.name + " (" + s.file + ")\n";
  char head[128];
  std::snprintf(head, sizeof head, "seed: %llu, virtual duration: %gs\n",
                static_cast<unsigned long long>(seed), static_cast<double>(s.length.count()) / 1e6);
  out += head;
  out += "flows: " + std::to_string(wc.flows_started) + " started, " + std::to_string(wc.flows_completed) +
         " completed, " + std::to_string(wc.flows_aborted) + " aborted, " +
         std::to_string(wc.arrivals_skipped_busy) + " arrivals skipped (user busy)\n";
  out += "requests: " + std::to_string(log.records().size());
  for (const auto& [word, n] : by_outcome) {
    out += ", " + word + " " + std::to_string(n);
  }
  if (log.dropped() > 0) {
    out += " (" + std::to_string(log.dropped()) + " not recorded: log full)";
  }
  out += "\n";
  out += "latency (virtual, answered): p50 " + ms_text(latency_quantile(latencies, 0.50)) + ", p95 " +
         ms_text(latency_quantile(latencies, 0.95)) + ", p99 " + ms_text(latency_quantile(latencies, 0.99)) + "\n";
  if (shop != nullptr) {
    out += "shop: " + std::to_string(shop->products.size()) + " products" +
           (shop->catalogue_ready ? "" : " (catalogue NOT ready)") + ", checkouts " +
           std::to_string(wc.checkouts_acknowledged) + " acknowledged, " +
           std::to_string(wc.checkouts_refused) + " refused, " + std::to_string(wc.checkouts_given_up) +
           " given up; orders packed " + std::to_string(shop->orders_packed) + ", picked up " +
           std::to_string(shop->orders_picked_up) + ", delivered " + std::to_string(shop->orders_delivered) +
           "\n";
  }
  out += "faults applied: " + std::to_string(faults.applied()) + "\n";
  for (const auto& f : s.faults) {
    out += "  - " + f.describe() + "\n";
  }
  std::size_t passed = 0;
  for (const auto& c : checks) {
    passed += c.passed ? 1 : 0;
  }
  out += "checks: " + std::to_string(passed) + " passed, " + std::to_string(checks.size() - passed) + " failed\n";
  for (const auto& c : checks) {
    out += std::string("  ") + (c.passed ? "PASS " : "FAIL ") + c.name + " (line " + std::to_string(c.line) +
           "): " + c.detail + "\n";
  }
  return out;
}

}  // namespace

run_report run_scenario(const scenario& s, const run_options& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  const std::uint64_t seed = options.seed.value_or(s.seed);

  cluster_options co;
  co.seed = seed;
  // Checks that read what nodes did (breaker transitions, sends) need the trace's lines.
  const bool checks_read_trace = std::any_of(s.checks.begin(), s.checks.end(),
                                             [](const check_spec& c) { return needs_trace_lines(c.kind); });
  co.keep_trace_lines = options.keep_trace_lines || checks_read_trace;
  co.default_link = to_link_config(s.network);
  cluster c(co);

  std::map<std::string, std::string> database_owner;
  for (const auto& name : s.services) {
    service_spec spec;
    spec.name = name;
    spec.factory = [name](rt::runtime& r) { return services::make_service(name, r); };
    spec.database = std::string(services::database_of(name));
    // The gateway keeps its rate limits in the cluster's kv, as it keeps them in Redis.
    spec.uses_kv = name == "gateway";
    if (!spec.database.empty()) {
      spec.credential = credential_for(spec.database, seed);
      database_owner[spec.database] = name;
    }
    spec.settings = default_settings(name, seed, s.shop.enabled);
    if (auto it = s.settings.find(name); it != s.settings.end()) {
      for (const auto& [k, v] : it->second) {
        spec.settings[k] = v;
      }
    }
    c.add_service(std::move(spec));
  }
  c.start_all();

  auto& client = c.add_client(std::string(client_node));
  outcome_log log;
  const time_point run_start = c.sched().now();
  const time_point run_end = run_start + s.length;
  // With a shop, the staff keep working for the settle time after customers stop, so orders
  // in flight can reach their end before the checks look.
  const time_point settled_at = run_end + (s.shop.enabled ? s.shop.settle : duration{0});

  std::optional<shop_world> world;
  std::optional<shop_staff> staff;
  cluster::client* staff_client = nullptr;
  if (s.shop.enabled) {
    world.emplace();
    world->admin = staff_account{std::string(admin_email), admin_password(seed), 0, "", staff_address(0)};
    for (std::uint32_t i = 0; i < s.shop.partners; ++i) {
      world->partners.push_back(staff_account{"partner" + std::to_string(i) + "@sim.quickmart.test",
                                              "pw-partner-" + std::to_string(i) + "-correct-horse", 0, "",
                                              staff_address(i + 1)});
    }
    staff_client = &c.add_client(std::string(staff_node));
    staff.emplace(s.shop,
                  client_channel{staff_client->http, staff_client->clock, std::string(gateway_node), log,
                                 s.workload.request_timeout},
                  staff_client->random, *world);
    c.sched().at_time(run_start, [&] {
      bool spawned = staff_client->scope.spawn(staff->setup(run_end));
      spawned = staff_client->scope.spawn(staff->packer(settled_at)) && spawned;
      for (std::size_t i = 0; i < s.shop.partners; ++i) {
        spawned = staff_client->scope.spawn(staff->partner(i, settled_at)) && spawned;
      }
      QM_ASSERT(spawned);
    });
    for (const auto& r : s.shop.restocks) {
      const std::int64_t units = r.units;
      c.sched().at_time(run_start + r.at, [&, units] {
        const bool spawned = staff_client->scope.spawn(staff->restock(units));
        QM_ASSERT(spawned);
      });
    }
  }
  workload load(s.workload, workload::client_io{client.http, client.clock, client.random, client.scope},
                std::string(gateway_node), log, world ? &*world : nullptr);
  load.set_token_secret(effective_setting(s, "auth", "token_secret", seed));
  fault_schedule faults(c, s, run_start);
  faults.arm();
  c.sched().at_time(run_start + s.workload.start_after, [&] {
    const bool spawned = client.scope.spawn(load.run(run_end));
    QM_ASSERT(spawned);
  });
  c.run_until(settled_at);
  // Flows still in flight at the end are cut off here, before the workload they point into goes.
  client.scope.cancel_all();
  if (staff_client != nullptr) {
    staff_client->scope.cancel_all();
  }

  run_observations obs{log, faults.windows(), run_start, run_end, s.workload.request_timeout, {}, {}, 0, 0, nullptr, nullptr, {}, nullptr, {}};
  obs.statements_by_database = c.storage().statements_by_database();
  obs.database_owner = database_owner;
  obs.access_denied = c.storage().access_denied_count();
  obs.handler_exceptions = c.handler_exceptions();
  obs.shop = world ? &*world : nullptr;
  obs.storage = &c.storage();
  obs.settled_at = settled_at;
  obs.trace_lines = checks_read_trace ? &c.events().lines() : nullptr;
  obs.metrics_text = [&c](std::string_view node) {
    return c.has_node(node) ? c.node_at(node).metrics().expose_text() : std::string();
  };

  run_report report;
  report.scenario_name = s.name;
  report.seed = seed;
  report.checks = evaluate_checks(s, obs);
  report.all_passed = true;
  for (const auto& r : report.checks) {
    report.all_passed = report.all_passed && r.passed;
  }
  report.summary = summarize(s, seed, log, load.counters(), faults, report.checks, world ? &*world : nullptr);
  report.trace_hash = c.events().hash_hex();
  if (options.keep_trace_lines) {
    report.trace_lines = c.events().lines();
  }
  report.events = c.sched().events_run();
  report.requests = log.records().size();
  report.requests_by_step.assign(step_count, 0);
  for (const auto& r : log.records()) {
    ++report.requests_by_step[r.step];
  }
  report.virtual_seconds = static_cast<double>(s.length.count()) / 1e6;
  report.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

}  // namespace qm::sim
