// Properties: whatever mix of writes, failures and rollbacks runs, a database holds exactly
// what a std::map model says the committed transactions wrote.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "core/task/task_scope.hpp"
#include "runtime/sqlite/database.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/trace.hpp"
#include "sim/storage/storage_cluster.hpp"

namespace qm {
namespace {

using model = std::map<std::int64_t, std::int64_t>;

enum class op_kind { insert, update, remove };
struct op {
  op_kind kind;
  std::int64_t key;
  std::int64_t value;
};
// How a generated transaction ends.
enum class ending { commit, db_exception, other_exception, engine_rollback };

struct planned_tx {
  std::vector<op> ops;
  ending end;
};

constexpr std::string_view schema = "CREATE TABLE kv (k BIGINT PRIMARY KEY, v BIGINT NOT NULL);";

rc::Gen<op> gen_op() {
  return rc::gen::map(rc::gen::tuple(rc::gen::inRange(0, 3), rc::gen::inRange<std::int64_t>(0, 12),
                                     rc::gen::arbitrary<std::int64_t>()),
                      [](const std::tuple<int, std::int64_t, std::int64_t>& t) {
                        return op{static_cast<op_kind>(std::get<0>(t)), std::get<1>(t),
                                  std::get<2>(t)};
                      });
}

rc::Gen<planned_tx> gen_tx() {
  return rc::gen::map(
      rc::gen::pair(rc::gen::container<std::vector<op>>(gen_op()), rc::gen::inRange(0, 4)),
      [](const std::pair<std::vector<op>, int>& p) {
        return planned_tx{p.first, static_cast<ending>(p.second)};
      });
}

// Runs the ops against tx and, step by step, against a copy of the model; returns the copy,
// or throws (the database's error, or the planned failure).
model run_ops(sql::transaction& tx, const planned_tx& plan, model scratch) {
  for (std::size_t i = 0; i < plan.ops.size(); ++i) {
    if (plan.end == ending::other_exception && i == plan.ops.size() / 2) {
      throw std::runtime_error("planned failure midway");
    }
    const op& o = plan.ops[i];
    switch (o.kind) {
      case op_kind::insert: {
        // A duplicate key throws unique_violation here, which must roll everything back.
        tx.exec("INSERT INTO kv (k, v) VALUES ($1, $2)", {o.key, o.value});
        RC_ASSERT(scratch.count(o.key) == 0u);
        scratch[o.key] = o.value;
        break;
      }
      case op_kind::update: {
        const auto r = tx.exec("UPDATE kv SET v = $2 WHERE k = $1", {o.key, o.value});
        RC_ASSERT(r.affected == static_cast<std::int64_t>(scratch.count(o.key)));
        if (scratch.count(o.key) != 0u) {
          scratch[o.key] = o.value;
        }
        break;
      }
      case op_kind::remove: {
        const auto r = tx.exec("DELETE FROM kv WHERE k = $1 RETURNING v", {o.key});
        RC_ASSERT(r.affected == static_cast<std::int64_t>(scratch.count(o.key)));
        if (auto it = scratch.find(o.key); it != scratch.end()) {
          RC_ASSERT(r.front().get_int(0) == it->second);
          scratch.erase(it);
        }
        break;
      }
    }
  }
  if (plan.end == ending::other_exception) {
    throw std::runtime_error("planned failure at the end");
  }
  if (plan.end == ending::db_exception) {
    throw sql::db_exception({sql::errc::constraint_violation, "planned rollback"});
  }
  return scratch;
}

model contents(const sql::rows& rows) {
  model out;
  for (const auto& r : rows.data) {
    out[r.get_int(0)] = r.get_int(1);
  }
  return out;
}

RC_GTEST_PROP(storage_property, sqlite_matches_a_map_model, ()) {
  auto opened = rt::sqlite::database::open(":memory:");
  RC_ASSERT(opened.ok());
  auto& db = **opened;
  RC_ASSERT(db.exec_script(schema).ok());
  const auto plans = *rc::gen::container<std::vector<planned_tx>>(gen_tx());
  model committed;
  for (const planned_tx& plan : plans) {
    std::optional<model> after;
    rt::db_status st;
    bool threw = false;
    try {
      st = db.transact([&](sql::transaction& tx) { after = run_ops(tx, plan, committed); },
                       plan.end == ending::engine_rollback ? rt::sqlite::finish::rollback
                                                           : rt::sqlite::finish::commit);
    } catch (const std::runtime_error& e) {
      RC_ASSERT(plan.end == ending::other_exception);
      threw = true;
    }
    if (st.ok() && !threw && plan.end == ending::commit) {
      RC_ASSERT(after.has_value());
      committed = *after;
    }
    const auto rows = db.read("SELECT k, v FROM kv ORDER BY k");
    RC_ASSERT(rows.ok());
    RC_ASSERT(contents(*rows) == committed);
  }
}

// Through the simulated cluster with injected errors and latency: a transaction reported
// committed is in the database, one reported failed is not.
RC_GTEST_PROP(storage_property, sim_cluster_reports_match_the_database, ()) {
  sim::scheduler sched;
  sim::trace tr;
  const auto seed = *rc::gen::arbitrary<std::uint64_t>();
  sim::storage_cluster cluster(sched, tr, seed);
  cluster.create_database("db", "pw");
  RC_ASSERT(cluster.exec_script("db", schema).ok());
  const double error_rate = *rc::gen::inRange(0, 60) / 100.0;
  cluster.set_faults("db", sim::db_faults{.latency_min = ms(0),
                                          .latency_max = ms(*rc::gen::inRange(0, 30)),
                                          .error_rate = error_rate});
  auto store = cluster.connect("node", "db", "pw");
  const auto plans = *rc::gen::container<std::vector<planned_tx>>(gen_tx());
  model committed;
  task_scope scope;
  for (const planned_tx& plan : plans) {
    if (plan.end == ending::other_exception || plan.end == ending::engine_rollback) {
      continue;  // the cluster's contract covers db errors; bugs propagate and are tested above
    }
    std::optional<model> after;
    std::optional<rt::db_status> status;
    RC_ASSERT(scope.spawn([](rt::storage& s, const planned_tx& p, const model& base,
                             std::optional<model>& out,
                             std::optional<rt::db_status>& st) -> task<void> {
      st = co_await s.transact([&](sql::transaction& tx) { out = run_ops(tx, p, base); }, ms(20));
    }(*store, plan, committed, after, status)));
    sched.run_all();
    RC_ASSERT(status.has_value());
    if (status->ok()) {
      RC_ASSERT(plan.end == ending::commit);
      RC_ASSERT(after.has_value());
      committed = *after;
    } else {
      const auto code = status->error().code;
      RC_ASSERT(code == sql::errc::unavailable || code == sql::errc::timeout ||
                code == sql::errc::unique_violation || code == sql::errc::constraint_violation);
    }
    RC_ASSERT(contents(cluster.inspect("db", "SELECT k, v FROM kv ORDER BY k")) == committed);
  }
}

}  // namespace
}  // namespace qm
