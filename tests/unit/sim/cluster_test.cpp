// The cluster: node runtimes assembled over storage and kv, faults through its API, and the
// determinism of a whole run.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "sim/cluster/cluster.hpp"
#include "tests/unit/sim/toy_service.hpp"

namespace qm::sim {
namespace {

using http::method;

// A service with state in its database, in the kv store and in memory.
class notes_service final : public rt::service {
 public:
  explicit notes_service(rt::runtime& rt) : rt_(rt) {}

  task<bool> start() override {
    if (rt_.storage == nullptr) {
      co_return false;
    }
    auto migrated = co_await rt_.storage->transact(
        [](sql::transaction& tx) { tx.exec("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)"); },
        seconds(1));
    if (!migrated) {
      co_return false;
    }
    rt_.routes.add(method::post, "/notes", [this](http::request_context ctx) -> task<http::response> {
      ++added_since_start_;
      // A named body: g++ 12 mishandles a capturing lambda temporary inside a co_await
      // expression (its captures end up pointing into the frame).
      rt::transaction_body insert = [text = ctx.request.body](sql::transaction& tx) {
        tx.exec("INSERT INTO notes (text) VALUES ($1)", {text});
      };
      auto r = co_await rt_.storage->transact(std::move(insert), seconds(1));
      co_return r ? http::json_response(201, "{}") : http::error_response(503, "db", r.error().message);
    });
    rt_.routes.add(method::get, "/notes/count", [this](http::request_context) -> task<http::response> {
      auto n = co_await rt::transact_value<std::int64_t>(*rt_.storage, seconds(1), [](sql::transaction& tx) {
        return tx.exec("SELECT COUNT(*) FROM notes").front().get_int(0);
      });
      if (!n) {
        co_return http::error_response(503, "db", n.error().message);
      }
      co_return http::json_response(200, std::to_string(n.value()) + "/" + std::to_string(added_since_start_));
    });
    rt_.routes.add(method::get, "/limited", [this](http::request_context) -> task<http::response> {
      if (rt_.kv == nullptr) {
        co_return http::error_response(500, "no_kv", "no kv");
      }
      auto n = co_await rt_.kv->incr("hits", 1, seconds(1));
      if (!n) {
        co_return http::error_response(503, "kv", n.error().message);
      }
      co_return http::json_response(n.value() > 3 ? 429 : 200, std::to_string(n.value()));
    });
    co_return true;
  }

 private:
  rt::runtime& rt_;
  int added_since_start_ = 0;
};

struct probe {
  std::optional<rt::call_result> result;
  int status() const { return result && result->ok() ? result->value().status : -1; }
  std::string body() const { return result && result->ok() ? result->value().body : std::string(); }
};

task<void> call(cluster::client* c, std::string upstream, http::request req, duration timeout,
                std::shared_ptr<probe> out) {
  out->result.emplace(co_await c->http.request(upstream, std::move(req), c->clock.now() + timeout));
}

std::shared_ptr<probe> start_call(cluster::client& c, std::string upstream, method verb, std::string target,
                                  std::string body = {}, duration timeout = seconds(2)) {
  auto p = std::make_shared<probe>();
  http::request req;
  req.verb = verb;
  req.target = std::move(target);
  req.body = std::move(body);
  QM_ASSERT(c.scope.spawn(call(&c, std::move(upstream), std::move(req), timeout, p)));
  return p;
}

service_spec notes_spec(std::string name = "notes") {
  service_spec s;
  s.name = std::move(name);
  s.factory = [](rt::runtime& rt) { return std::make_unique<notes_service>(rt); };
  s.database = "notes_db";
  s.credential = "notes-secret";
  s.uses_kv = true;
  return s;
}

cluster_options options(std::uint64_t seed, bool keep_lines = true) {
  cluster_options o;
  o.seed = seed;
  o.keep_trace_lines = keep_lines;
  o.default_link.latency = {latency_model::kind::uniform, ms(1), ms(3)};
  return o;
}

TEST(cluster, the_database_outlives_a_crash_and_memory_does_not) {
  cluster c(options(1));
  c.add_service(notes_spec());
  c.start_all();
  auto& client = c.add_client("client");
  c.run_for(ms(100));
  ASSERT_TRUE(c.is_started("notes"));
  for (int i = 0; i < 3; ++i) {
    auto p = start_call(client, "notes", method::post, "/notes", "note");
    c.run_for(ms(100));
    EXPECT_EQ(p->status(), 201);
  }
  auto before = start_call(client, "notes", method::get, "/notes/count");
  c.run_for(ms(100));
  EXPECT_EQ(before->body(), "3/3");
  c.crash("notes");
  EXPECT_FALSE(c.is_up("notes"));
  c.restart("notes");
  c.run_for(ms(100));
  auto after = start_call(client, "notes", method::get, "/notes/count");
  c.run_for(ms(100));
  EXPECT_EQ(after->body(), "3/0");
  EXPECT_EQ(c.storage().counters("notes_db").committed, 1u + 3u + 1u + 1u + 1u);
}

TEST(cluster, start_is_retried_while_the_database_is_unavailable) {
  cluster c(options(1));
  c.add_service(notes_spec());
  c.storage().set_faults("notes_db", db_faults{true, duration(0), duration(0), 0, 0});
  c.start("notes");
  c.run_for(seconds(1));
  EXPECT_TRUE(c.is_up("notes"));
  EXPECT_FALSE(c.is_started("notes"));
  EXPECT_GE(c.node_at("notes").stats().start_failures, 3u);
  c.storage().set_faults("notes_db", db_faults{});
  c.run_for(seconds(3));
  EXPECT_TRUE(c.is_started("notes"));
}

TEST(cluster, the_kv_store_is_shared_and_expires_on_virtual_time) {
  cluster c(options(1));
  c.add_service(notes_spec("a"));
  service_spec b = notes_spec("b");
  c.add_service(std::move(b));
  c.start_all();
  auto& client = c.add_client("client");
  c.run_for(ms(100));
  std::vector<int> statuses;
  for (const char* node : {"a", "b", "a", "b"}) {
    auto p = start_call(client, node, method::get, "/limited");
    c.run_for(ms(20));
    statuses.push_back(p->status());
  }
  EXPECT_EQ(statuses, (std::vector<int>{200, 200, 200, 429}));
  c.run_for(seconds(1));
  auto p = start_call(client, "a", method::get, "/limited");
  c.run_for(ms(20));
  EXPECT_EQ(p->status(), 200);
  EXPECT_EQ(p->body(), "1");
  c.redis().set_faults(kv_faults{true, duration(0)});
  auto q = start_call(client, "a", method::get, "/limited");
  c.run_for(ms(20));
  EXPECT_EQ(q->status(), 503);
}

TEST(cluster, a_service_without_database_or_kv_gets_none) {
  cluster c(options(1));
  service_spec s = notes_spec("bare");
  s.database = "";
  s.uses_kv = false;
  c.add_service(std::move(s));
  c.start("bare");
  c.run_for(seconds(1));
  // notes_service refuses to start without a database, and keeps being retried.
  EXPECT_FALSE(c.is_started("bare"));
  EXPECT_GT(c.node_at("bare").stats().start_failures, 1u);
  EXPECT_EQ(c.node_at("bare").storage(), nullptr);
}

TEST(cluster, faults_are_traced_and_observations_add_up) {
  testing::toy_probe toy;
  cluster c(options(1));
  service_spec s;
  s.name = "toy";
  s.factory = testing::toy_factory(toy);
  c.add_service(std::move(s));
  c.start_all();
  auto& client = c.add_client("client");
  c.run_for(ms(10));
  auto slow = start_call(client, "toy", method::get, "/sleep/500", {}, ms(100));
  auto boom = start_call(client, "toy", method::post, "/boom");
  c.run_for(seconds(1));
  EXPECT_FALSE(slow->result->ok());
  EXPECT_EQ(boom->status(), 500);
  EXPECT_EQ(c.late_replies_dropped(), 1u);
  EXPECT_EQ(c.timeouts(), 1u);
  EXPECT_EQ(c.handler_exceptions(), 1u);
  c.set_skew("toy", ms(-250));
  c.partition("client", "toy", true);
  c.heal_all();
  c.set_link("client", "toy", link_config{{latency_model::kind::constant, ms(7), duration(0)}, 0.0});
  const auto st = c.stats();
  EXPECT_EQ(st.services.handler_exceptions, 1u);
  EXPECT_EQ(st.net.late_replies_dropped, 1u);
  EXPECT_GE(st.net.sent, 4u);
  std::string all;
  for (const auto& line : c.events().lines()) {
    all += line;
    all += '\n';
  }
  for (const char* kind : {" toy skew -250000us", " net partition client -> toy", " net heal_all",
                           " net link client->toy constant(7000us)", " toy started ", " toy log {\"ts\":"}) {
    EXPECT_NE(all.find(kind), std::string::npos) << kind;
  }
}

// A busy run with every kind of fault; returns the trace hash.
std::string busy_run(std::uint64_t seed) {
  testing::toy_probe toy;
  cluster_options o = options(seed, false);
  o.default_link.latency = {latency_model::kind::exponential, ms(2), duration(0)};
  o.default_link.drop_rate = 0.02;
  cluster c(o);
  c.add_service(notes_spec());
  service_spec t;
  t.name = "toy";
  t.factory = testing::toy_factory(toy);
  c.add_service(std::move(t));
  c.start_all();
  auto& client = c.add_client("client");
  c.run_for(ms(50));
  const char* targets[] = {"/notes", "/notes/count", "/limited", "/random", "/call/notes", "/sleep/30"};
  for (int i = 0; i < 400; ++i) {
    const char* target = targets[client.random.uniform(6)];
    const bool post = std::string_view(target) == "/notes";
    const char* node = std::string_view(target).starts_with("/notes") || std::string_view(target) == "/limited" ? "notes" : "toy";
    start_call(client, node, post ? method::post : method::get, target, "n", ms(50));
    c.run_for(duration(static_cast<std::int64_t>(client.random.uniform(4000))));
    if (i == 100) {
      c.partition("toy", "notes", false);
    }
    if (i == 150) {
      c.heal_all();
      c.crash("notes");
    }
    if (i == 200) {
      c.restart("notes");
      c.set_skew("toy", ms(300));
    }
    if (i == 300) {
      c.storage().set_faults("notes_db", db_faults{false, ms(1), ms(20), 0.1, 0.05});
    }
  }
  c.run_for(seconds(5));
  EXPECT_GT(c.events().lines_recorded(), 2000u);
  return c.events().hash_hex();
}

TEST(cluster, the_same_seed_gives_the_same_trace_hash) {
  EXPECT_EQ(busy_run(5), busy_run(5));
}

TEST(cluster, different_seeds_give_different_trace_hashes) {
  EXPECT_NE(busy_run(5), busy_run(6));
}

}  // namespace
}  // namespace qm::sim
