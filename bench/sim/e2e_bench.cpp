// End-to-end simulation throughput: authenticated GET /auth/me through gateway -> auth ->
// storage, counted per wall-clock second on one core; and the time-compression ratio of the
// auth_smoke scenario (virtual seconds per wall second).
#include <benchmark/benchmark.h>

#include <string>

#include "core/json/json.hpp"
#include "core/task/task_scope.hpp"
#include "services/registry.hpp"
#include "sim/cluster/cluster.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/runner.hpp"

namespace {

using namespace qm;

http::request post_json(std::string target, const json::object& body) {
  http::request r;
  r.verb = http::method::post;
  r.target = std::move(target);
  r.headers.set("Content-Type", "application/json");
  r.body = json::serialize(body);
  return r;
}

struct auth_cluster {
  sim::cluster c;
  sim::cluster::client* client = nullptr;
  std::string token;

  auth_cluster() : c(make_options()) {
    for (std::string name : {"gateway", "auth"}) {
      sim::service_spec spec;
      spec.name = name;
      spec.factory = [name](rt::runtime& r) { return services::make_service(name, r); };
      spec.database = std::string(services::database_of(name));
      spec.credential = spec.database.empty() ? "" : "bench-credential";
      // As deployed: every service verifies the context the gateway signs, and the gateway
      // holds auth's token secret and keeps its rate limits in the kv (Redis).
      spec.settings = {{"context_secret", "bench-context-0123456789abcdef0123456789"},
                       {"token_secret", "bench-secret-0123456789abcdef0123456789"}};
      if (name == "gateway") {
        spec.uses_kv = true;
        // One customer sends every request: with the production limit (per customer per
        // minute) nearly all would be refused and the benchmark would time the 429 path. The
        // limiter still runs and admits each one.
        spec.settings["rate_limit_general"] = "100000/1s";
      }
      if (name == "auth") {
        spec.settings["scrypt_n"] = "16";
      }
      c.add_service(std::move(spec));
    }
    c.start_all();
    client = &c.add_client("client");
    c.run_until(c.sched().now() + seconds(1));
    login();
  }

  static sim::cluster_options make_options() {
    sim::cluster_options o;
    o.seed = 1;
    o.default_link.latency.type = sim::latency_model::kind::uniform;
    o.default_link.latency.a = duration(200);
    o.default_link.latency.b = duration(2000);
    return o;
  }

  void login() {
    json::object reg;
    reg["email"] = "bench@sim.quickmart.test";
    reg["password"] = "bench-password-1";
    reg["name"] = "Bench";
    json::object cred;
    cred["email"] = "bench@sim.quickmart.test";
    cred["password"] = "bench-password-1";
    auto flow = [](auth_cluster& self, http::request reg_req, http::request login_req) -> task<void> {
      const auto deadline = self.client->clock.now() + seconds(5);
      auto r1 = co_await self.client->http.request("gateway", std::move(reg_req), deadline);
      QM_ASSERT_MSG(r1.ok() && r1->status == 201, r1.ok() ? r1->body.c_str() : "no answer");
      auto r2 = co_await self.client->http.request("gateway", std::move(login_req), deadline);
      QM_ASSERT(r2.ok() && r2->status == 200);
      auto body = json::parse_object(r2->body);
      QM_ASSERT(body.ok());
      self.token = std::string(body->at("access_token").as_string());
    };
    QM_ASSERT(client->scope.spawn(flow(*this, post_json("/auth/register", reg), post_json("/auth/login", cred))));
    c.run_until(c.sched().now() + seconds(10));
    QM_ASSERT(!token.empty());
  }
};

// One batch: `in_flight` clients each issue GET /auth/me back to back until `total` are done.
void bm_sim_authenticated_me(benchmark::State& state) {
  auth_cluster env;
  const int in_flight = static_cast<int>(state.range(0));
  std::int64_t ok = 0;
  std::int64_t failed = 0;
  for (auto _ : state) {
    int remaining = 1000;
    auto worker = [](auth_cluster& e, int& left, std::int64_t& good, std::int64_t& bad) -> task<void> {
      while (left > 0) {
        --left;
        http::request req;
        req.target = "/auth/me";
        req.headers.set("Authorization", "Bearer " + e.token);
        auto r = co_await e.client->http.request("gateway", std::move(req),
                                                e.client->clock.now() + seconds(5));
        ++((r.ok() && r->status == 200) ? good : bad);
      }
    };
    for (int i = 0; i < in_flight; ++i) {
      QM_ASSERT(env.client->scope.spawn(worker(env, remaining, ok, failed)));
    }
    env.c.sched().run_all();
  }
  QM_ASSERT_MSG(failed == 0, "every benchmarked request must succeed");
  state.SetItemsProcessed(ok);
  state.counters["requests_per_s"] = benchmark::Counter(static_cast<double>(ok), benchmark::Counter::kIsRate);
}
BENCHMARK(bm_sim_authenticated_me)->Arg(1)->Arg(64)->Unit(benchmark::kMillisecond);

void bm_auth_smoke_time_compression(benchmark::State& state) {
  auto loaded = sim::load_scenario_file(std::string(QM_SOURCE_DIR) + "/scenarios/auth_smoke.yaml");
  QM_ASSERT(loaded.ok());
  double virtual_s = 0;
  double wall_s = 0;
  for (auto _ : state) {
    const auto report = sim::run_scenario(loaded.value(), {});
    QM_ASSERT(report.all_passed);
    virtual_s += report.virtual_seconds;
    wall_s += report.wall_seconds;
    state.counters["requests"] = static_cast<double>(report.requests);
  }
  state.counters["virtual_s_per_wall_s"] = virtual_s / wall_s;
}
BENCHMARK(bm_auth_smoke_time_compression)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
