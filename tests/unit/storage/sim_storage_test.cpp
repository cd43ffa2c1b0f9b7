// The simulator's storage cluster: credentials, attribution, and every fault it injects,
// all in virtual time.

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/task/task_scope.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/trace.hpp"
#include "sim/storage/storage_cluster.hpp"
#include "tests/unit/storage/drive.hpp"

namespace qm::sim {
namespace {

using namespace std::string_literals;

constexpr std::string_view schema =
    "CREATE TABLE users (id BIGINT PRIMARY KEY, email TEXT NOT NULL UNIQUE);";

rt::transaction_body insert_user(std::int64_t id, bool* ran = nullptr) {
  return [id, ran](sql::transaction& tx) {
    if (ran != nullptr) {
      *ran = true;
    }
    tx.exec("INSERT INTO users (id, email) VALUES ($1, $2)",
            {id, "u" + std::to_string(id) + "@example.com"});
  };
}

class sim_storage : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.create_database("auth_db", "auth-secret");
    ASSERT_TRUE(cluster_.exec_script("auth_db", schema).ok());
    auth_ = cluster_.connect("auth", "auth_db", "auth-secret");
  }

  // Runs one transaction to its end; the virtual time it took lands in elapsed_.
  rt::db_status run(rt::storage& store, rt::transaction_body body, duration timeout = ms(100)) {
    const time_point start = sched_.now();
    std::optional<time_point> finished;
    auto tracked = [](scheduler& s, task<rt::db_status> t,
                      std::optional<time_point>& at) -> task<rt::db_status> {
      rt::db_status st = co_await std::move(t);
      at = s.now();
      co_return st;
    };
    auto st = test::drive(tracked(sched_, store.transact(std::move(body), timeout), finished),
                          &sched_);
    EXPECT_TRUE(st.has_value() && finished.has_value());
    elapsed_ = finished.value_or(start) - start;
    return st.value_or(rt::db_status{});
  }

  std::int64_t users() {
    return cluster_.inspect("auth_db", "SELECT COUNT(*) FROM users").front().get_int(0);
  }

  bool traced(std::string_view fragment) const {
    return std::any_of(trace_.lines().begin(), trace_.lines().end(), [&](const std::string& l) {
      return l.find(fragment) != std::string::npos;
    });
  }

  scheduler sched_;
  trace trace_{true};
  storage_cluster cluster_{sched_, trace_, 42};
  std::unique_ptr<rt::storage> auth_;
  duration elapsed_{0};
};

TEST_F(sim_storage, the_right_credential_commits) {
  EXPECT_EQ(auth_->engine(), "sqlite");
  const rt::db_status st = run(*auth_, insert_user(1));
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(users(), 1);
  EXPECT_EQ(elapsed_, duration(0));
  EXPECT_EQ(cluster_.counters("auth_db").committed, 1u);
  // Constraint errors come back as themselves, rolled back.
  const rt::db_status dup = run(*auth_, insert_user(1));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, sql::errc::unique_violation);
  EXPECT_EQ(cluster_.counters("auth_db").failed, 1u);
  EXPECT_TRUE(traced("auth db auth_db error unique_violation"));
}

TEST_F(sim_storage, a_wrong_credential_or_database_is_denied_and_writes_nothing) {
  cluster_.create_database("order_db", "order-secret");
  auto wrong_secret = cluster_.connect("order", "auth_db", "order-secret");
  auto no_such_db = cluster_.connect("order", "missing_db", "auth-secret");
  for (auto* store : {wrong_secret.get(), no_such_db.get()}) {
    bool ran = false;
    const rt::db_status st = run(*store, insert_user(7, &ran));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, sql::errc::access_denied);
    EXPECT_FALSE(ran);
  }
  EXPECT_EQ(users(), 0);
  EXPECT_EQ(cluster_.access_denied_count(), 2u);
  EXPECT_TRUE(traced("order db auth_db access_denied"));
  EXPECT_TRUE(traced("order db missing_db access_denied"));
  EXPECT_EQ(cluster_.statements_by_database().count("missing_db"), 0u);
  EXPECT_EQ(cluster_.statements_by_database().count("auth_db"), 0u);
}

TEST_F(sim_storage, statements_are_attributed_to_their_node) {
  auto replica = cluster_.connect("auth-2", "auth_db", "auth-secret");
  auto intruder = cluster_.connect("cart", "auth_db", "wrong");
  ASSERT_TRUE(run(*auth_, [](sql::transaction& tx) {
                tx.exec("INSERT INTO users (id, email) VALUES (1, 'a')");
                tx.exec("UPDATE users SET email = 'b' WHERE id = 1");
                tx.exec("SELECT email FROM users WHERE id = $1", {std::int64_t{1}});
              }).ok());
  ASSERT_TRUE(run(*replica, insert_user(2)).ok());
  EXPECT_FALSE(run(*intruder, insert_user(3)).ok());
  const auto& by_db = cluster_.statements_by_database();
  ASSERT_EQ(by_db.count("auth_db"), 1u);
  const auto& by_node = by_db.at("auth_db");
  EXPECT_EQ(by_node.size(), 2u);
  EXPECT_EQ(by_node.at("auth"), 3u);
  EXPECT_EQ(by_node.at("auth-2"), 1u);
  EXPECT_EQ(by_node.count("cart"), 0u);
  EXPECT_TRUE(traced("auth sql auth_db insert users"));
  EXPECT_TRUE(traced("auth sql auth_db update users"));
  EXPECT_TRUE(traced("auth sql auth_db select users"));
  EXPECT_TRUE(traced("auth-2 sql auth_db insert users"));
}

TEST_F(sim_storage, a_statement_is_described_by_its_text_not_its_address) {
  // One buffer carries different statements in turn (same address): each is
  // traced by what it says, however the summaries are remembered.
  ASSERT_TRUE(run(*auth_, [](sql::transaction& tx) {
                std::string statement = "SELECT email FROM users WHERE id = 1";
                tx.exec(statement);
                const char* const address = statement.data();
                statement.assign("DELETE FROM users WHERE id = 1");
                ASSERT_EQ(statement.data(), address);
                tx.exec(statement);
                tx.exec("SELECT email FROM users WHERE id = 1");
              }).ok());
  std::vector<std::string> summaries;
  for (const std::string& line : trace_.lines()) {
    if (const auto at = line.find(" sql auth_db "); at != std::string::npos) {
      summaries.push_back(line.substr(at + 13));
    }
  }
  EXPECT_EQ(summaries, (std::vector<std::string>{"select users", "delete users", "select users"}));
}

TEST_F(sim_storage, an_unavailable_database_refuses_after_a_millisecond) {
  cluster_.set_faults("auth_db", db_faults{.unavailable = true});
  bool ran = false;
  rt::db_status st = run(*auth_, insert_user(1, &ran));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, sql::errc::unavailable);
  EXPECT_EQ(elapsed_, storage_cluster::connect_refused_delay);
  EXPECT_FALSE(ran);
  // A deadline shorter than the refusal is a timeout at the deadline.
  st = run(*auth_, insert_user(1, &ran), std::chrono::microseconds(300));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, sql::errc::timeout);
  EXPECT_EQ(elapsed_, std::chrono::microseconds(300));
  EXPECT_FALSE(ran);
  EXPECT_EQ(users(), 0);
  EXPECT_EQ(cluster_.counters("auth_db").unavailable, 1u);
  EXPECT_EQ(cluster_.counters("auth_db").timeouts, 1u);
  EXPECT_TRUE(traced("auth db auth_db unavailable"));
  // It recovers when the fault is lifted.
  cluster_.set_faults("auth_db", db_faults{});
  EXPECT_TRUE(run(*auth_, insert_user(1)).ok());
  EXPECT_EQ(users(), 1);
}

TEST_F(sim_storage, latency_passes_in_virtual_time_and_times_out_at_the_deadline) {
  cluster_.set_faults("auth_db", db_faults{.latency_min = ms(5), .latency_max = ms(5)});
  ASSERT_TRUE(run(*auth_, insert_user(1)).ok());
  EXPECT_EQ(elapsed_, ms(5));

  bool ran = false;
  rt::db_status st = run(*auth_, insert_user(2, &ran), ms(5));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, sql::errc::timeout);
  EXPECT_EQ(elapsed_, ms(5));
  EXPECT_FALSE(ran);
  st = run(*auth_, insert_user(2, &ran), ms(3));
  EXPECT_EQ(st.error().code, sql::errc::timeout);
  EXPECT_EQ(elapsed_, ms(3));
  EXPECT_FALSE(ran);
  EXPECT_EQ(users(), 1);

  // A range: every draw within it, and not all the same.
  cluster_.set_faults("auth_db", db_faults{.latency_min = ms(1), .latency_max = ms(9)});
  std::set<duration::rep> seen;
  for (std::int64_t id = 10; id < 60; ++id) {
    ASSERT_TRUE(run(*auth_, insert_user(id)).ok());
    EXPECT_GE(elapsed_, ms(1));
    EXPECT_LE(elapsed_, ms(9));
    seen.insert(elapsed_.count());
  }
  EXPECT_GT(seen.size(), 10u);
}

TEST_F(sim_storage, the_body_sees_the_state_after_the_latency) {
  cluster_.set_faults("auth_db", db_faults{.latency_min = ms(10), .latency_max = ms(10)});
  auto fast = cluster_.connect("auth-2", "auth_db", "auth-secret");
  std::int64_t seen_by_slow = -1;
  task_scope scope;
  auto slow_tx = [](rt::storage& s, std::int64_t& seen) -> task<void> {
    const auto st = co_await s.transact(
        [&](sql::transaction& tx) { seen = tx.exec("SELECT COUNT(*) FROM users").front().get_int(0); },
        ms(100));
    EXPECT_TRUE(st.ok());
  };
  ASSERT_TRUE(scope.spawn(slow_tx(*auth_, seen_by_slow)));
  sched_.run_until(sched_.now() + ms(2));
  cluster_.set_faults("auth_db", db_faults{});
  ASSERT_TRUE(scope.spawn([](rt::storage& s) -> task<void> {
    EXPECT_TRUE((co_await s.transact(insert_user(1), ms(100))).ok());
  }(*fast)));
  sched_.run_all();
  EXPECT_EQ(scope.live(), 0u);
  EXPECT_EQ(seen_by_slow, 1);
}

TEST_F(sim_storage, error_rate_fails_about_that_share_and_writes_nothing_for_them) {
  cluster_.set_faults("auth_db", db_faults{.error_rate = 0.3});
  constexpr int attempts = 2000;
  int injected = 0;
  int ok = 0;
  for (std::int64_t id = 0; id < attempts; ++id) {
    bool ran = false;
    const rt::db_status st = run(*auth_, insert_user(id, &ran));
    if (st.ok()) {
      ++ok;
      EXPECT_TRUE(ran);
    } else {
      EXPECT_EQ(st.error().code, sql::errc::unavailable);
      EXPECT_EQ(st.error().message, "injected error");
      EXPECT_FALSE(ran);
      ++injected;
    }
  }
  EXPECT_GT(injected, attempts * 25 / 100);
  EXPECT_LT(injected, attempts * 35 / 100);
  EXPECT_EQ(static_cast<std::uint64_t>(injected), cluster_.counters("auth_db").injected_errors);
  EXPECT_EQ(users(), ok);
}

TEST_F(sim_storage, outcome_unknown_sometimes_commits_and_sometimes_not) {
  cluster_.set_faults("auth_db", db_faults{.outcome_unknown_rate = 1.0});
  constexpr std::int64_t attempts = 200;
  for (std::int64_t id = 0; id < attempts; ++id) {
    const rt::db_status st = run(*auth_, insert_user(id));
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, sql::errc::outcome_unknown);
  }
  const auto& c = cluster_.counters("auth_db");
  const std::int64_t committed = users();
  EXPECT_GT(committed, 0);
  EXPECT_LT(committed, attempts);
  EXPECT_EQ(static_cast<std::uint64_t>(committed), c.outcome_unknown_committed);
  EXPECT_EQ(static_cast<std::uint64_t>(attempts - committed), c.outcome_unknown_rolled_back);
  EXPECT_TRUE(traced("outcome_unknown committed"));
  EXPECT_TRUE(traced("outcome_unknown rolled_back"));

  // A retried insert tells the two apart: a committed one is now a duplicate.
  cluster_.set_faults("auth_db", db_faults{});
  std::int64_t duplicates = 0;
  for (std::int64_t id = 0; id < attempts; ++id) {
    const rt::db_status st = run(*auth_, insert_user(id));
    duplicates += st.ok() ? 0 : 1;
  }
  EXPECT_EQ(duplicates, committed);
  EXPECT_EQ(users(), attempts);
}

TEST_F(sim_storage, a_crash_while_waiting_never_resumes_the_frame) {
  cluster_.set_faults("auth_db", db_faults{.latency_min = ms(10), .latency_max = ms(10)});
  bool ran = false;
  bool finished = false;
  {
    task_scope node_scope;
    ASSERT_TRUE(node_scope.spawn([](rt::storage& s, bool& ran_flag, bool& done) -> task<void> {
      (void)co_await s.transact(insert_user(1, &ran_flag), ms(100));
      done = true;
    }(*auth_, ran, finished)));
    sched_.run_until(sched_.now() + ms(5));
    EXPECT_EQ(node_scope.live(), 1u);
    node_scope.cancel_all();  // the node crashes
    EXPECT_EQ(node_scope.live(), 0u);
    auth_.reset();  // and its handle goes with it
  }
  sched_.run_all();  // the wake-up fires and finds nobody
  EXPECT_FALSE(ran);
  EXPECT_FALSE(finished);
  EXPECT_EQ(users(), 0);
}

TEST(sim_storage_lifetime, a_cluster_destroyed_mid_transaction_fails_it_cleanly) {
  scheduler sched;
  trace tr;
  auto cluster = std::make_unique<storage_cluster>(sched, tr, 7);
  cluster->create_database("db", "pw");
  ASSERT_TRUE(cluster->exec_script("db", schema).ok());
  cluster->set_faults("db", db_faults{.latency_min = ms(3), .latency_max = ms(3)});
  auto store = cluster->connect("n", "db", "pw");
  bool ran = false;
  std::optional<rt::db_status> out;
  task_scope scope;
  ASSERT_TRUE(scope.spawn(test::store_into(store->transact(insert_user(1, &ran), ms(50)), out)));
  cluster.reset();
  sched.run_all();
  ASSERT_TRUE(out.has_value());
  ASSERT_FALSE(out->ok());
  EXPECT_EQ(out->error().code, sql::errc::unavailable);
  EXPECT_FALSE(ran);
  // A handle that outlives its cluster fails at once.
  auto again = test::drive(store->transact(insert_user(2, &ran), ms(50)), &sched);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->error().code, sql::errc::unavailable);
}

TEST(sim_storage_inspect, refuses_writes_and_unknown_databases) {
  scheduler sched;
  trace tr;
  storage_cluster cluster(sched, tr, 1);
  cluster.create_database("db", "pw");
  ASSERT_TRUE(cluster.exec_script("db", schema).ok());
  EXPECT_THROW(cluster.inspect("db", "DELETE FROM users"), sql::db_exception);
  EXPECT_THROW(cluster.inspect("nope", "SELECT 1"), sql::db_exception);
  EXPECT_EQ(cluster.inspect("db", "SELECT $1 + 1", {std::int64_t{41}}).front().get_int(0), 42);
  EXPECT_TRUE(cluster.has_database("db"));
  EXPECT_FALSE(cluster.has_database("nope"));
}

// The same seed and workload give the same trace; another seed gives another.
std::string run_workload(std::uint64_t seed) {
  scheduler sched;
  trace tr;
  storage_cluster cluster(sched, tr, seed);
  cluster.create_database("db", "pw");
  EXPECT_TRUE(cluster.exec_script("db", schema).ok());
  cluster.set_faults("db", db_faults{.latency_min = ms(1),
                                     .latency_max = ms(20),
                                     .error_rate = 0.2,
                                     .outcome_unknown_rate = 0.2});
  auto store = cluster.connect("n", "db", "pw");
  task_scope scope;
  for (std::int64_t id = 0; id < 50; ++id) {
    EXPECT_TRUE(scope.spawn([](rt::storage& s, std::int64_t i) -> task<void> {
      (void)co_await s.transact(insert_user(i % 20), ms(15));
    }(*store, id)));
  }
  sched.run_all();
  return tr.hash_hex() + "/" +
         std::to_string(cluster.inspect("db", "SELECT COUNT(*) FROM users").front().get_int(0));
}

TEST(sim_storage_determinism, same_seed_same_trace) {
  EXPECT_EQ(run_workload(5), run_workload(5));
  EXPECT_NE(run_workload(5), run_workload(6));
}

}  // namespace
}  // namespace qm::sim
