#include "sim/storage/storage_cluster.hpp"

#include <cstdint>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/base/address_memo.hpp"
#include "core/base/assert.hpp"
#include "core/base/text_hash.hpp"
#include "core/task/completion.hpp"
#include "runtime/sqlite/database.hpp"
#include "sim/engine/prng.hpp"
#include "sim/engine/scheduler.hpp"
#include "sim/engine/trace.hpp"
#include "sim/storage/statement_summary.hpp"

namespace qm::sim {

namespace storage_detail {

struct database_entry {
  std::string credential;
  std::unique_ptr<rt::sqlite::database> db;
  db_faults faults;
  prng rng;  // the fault stream "db/<name>": latency, errors, outcomes
  db_counters counters;
};

// Everything the cluster knows. In-flight transactions hold it weakly and let go of it while
// they wait, so destroying the cluster mid-run leaves them nothing dangling to touch.
struct cluster_state {
  cluster_state(scheduler& s, trace& t, std::uint64_t seed) : sched(s), tr(t), root_seed(seed) {}

  database_entry* find(std::string_view name) {
    auto it = databases.find(name);
    return it == databases.end() ? nullptr : &it->second;
  }
  database_entry& get(std::string_view name) {
    database_entry* e = find(name);
    QM_ASSERT_MSG(e != nullptr, "no such database");
    return *e;
  }
  void record(std::string_view node, std::string_view kind, const std::string& detail) {
    tr.record(sched.now(), node, kind, detail);
  }
  // Services run a small fixed set of statements: describe each once. Past the bound (ad-hoc
  // statements) the description is computed every time instead of growing the memo.
  const std::string& summary_of(std::string_view statement) {
    // Statements are mostly literals, so one text tends to come back at one address.
    if (const auto* known = recent.find(statement)) {
      return known->second;
    }
    if (auto it = summaries.find(statement); it != summaries.end()) {
      recent.remember(statement, &*it);
      return it->second;
    }
    if (summaries.size() >= max_summaries) {
      scratch_summary = statement_summary(statement);
      return scratch_summary;
    }
    auto& entry = *summaries.emplace(std::string(statement), statement_summary(statement)).first;
    recent.remember(statement, &entry);
    return entry.second;
  }

  scheduler& sched;
  trace& tr;
  std::uint64_t root_seed;
  // Entries are never erased, so pointers to them stay valid while the cluster lives.
  std::map<std::string, database_entry, std::less<>> databases;
  std::map<std::string, std::map<std::string, std::uint64_t>> statements;
  std::uint64_t access_denied = 0;
  static constexpr std::size_t max_summaries = 4096;
  // Hashed: hot statements share long prefixes ("SELECT p.id, p.name, ..."), which made every
  // ordered lookup a chain of long comparisons. Never iterated, so its order is irrelevant.
  std::unordered_map<std::string, std::string, text_hash, std::equal_to<>> summaries;
  // Entries of summaries (never erased, so the pointers stay valid) by the address of the
  // statement text last seen with them.
  address_memo<const std::pair<const std::string, std::string>, 256> recent;
  std::string scratch_summary;
  // The "sql" event's detail, rebuilt per statement without allocating.
  std::string scratch_detail;
};

}  // namespace storage_detail

struct storage_cluster::impl : storage_detail::cluster_state {
  using cluster_state::cluster_state;
};

namespace {

using storage_detail::cluster_state;
using storage_detail::database_entry;

sql::error make_error(sql::errc code, std::string message) {
  return sql::error{code, std::move(message)};
}

bool valid_rate(double r) { return r >= 0.0 && r <= 1.0; }

// Who is connecting to what. Shared with in-flight transactions so they never reach back
// into a handle that its node may have destroyed.
struct connection {
  std::string node;
  std::string database;
  std::string credential;
  // This pair's entry in cluster_state::statements, found at its first transaction (an entry
  // exists only for pairs that tried one). Map nodes never move, and it is used only while the
  // cluster is held.
  mutable std::uint64_t* statement_count = nullptr;
};

// Counts and traces every statement a body runs, then hands it to the engine.
class attributed_transaction final : public sql::transaction {
 public:
  attributed_transaction(sql::transaction& inner, cluster_state& cluster, const connection& conn,
                         std::uint64_t& statement_count)
      : inner_(inner), cluster_(cluster), conn_(conn), statement_count_(statement_count) {}

  sql::rows exec(std::string_view statement, const sql::params& args) override {
    ++statement_count_;
    std::string& detail = cluster_.scratch_detail;
    detail.assign(conn_.database);
    detail += ' ';
    detail += cluster_.summary_of(statement);
    cluster_.record(conn_.node, "sql", detail);
    return inner_.exec(statement, args);
  }

 private:
  sql::transaction& inner_;
  cluster_state& cluster_;
  const connection& conn_;
  std::uint64_t& statement_count_;
};

// A completion the scheduler fulfils after delay of virtual time. If the waiting frame is
// destroyed first (a crashed node), the wake-up finds no waiter and is dropped.
completion<bool> wake_after(scheduler& sched, duration delay) {
  completion<bool> woke;
  sched.at_delay(delay, [woke] { woke.fulfil(true); });
  return woke;
}

duration draw_latency(prng& rng, const db_faults& f) {
  if (f.latency_max <= f.latency_min) {
    return f.latency_min;
  }
  const auto span_us = static_cast<std::uint64_t>((f.latency_max - f.latency_min).count());
  return f.latency_min + duration(static_cast<duration::rep>(rng.uniform(span_us + 1)));
}

bool roll(prng& rng, double rate) { return rate > 0 && rng.unit() < rate; }

task<rt::db_status> run_transaction(std::weak_ptr<cluster_state> weak,
                                    std::shared_ptr<const connection> conn,
                                    rt::transaction_body body, duration timeout) {
  const auto gone = [] { return make_error(sql::errc::unavailable, "storage cluster is gone"); };
  std::shared_ptr<cluster_state> cluster = weak.lock();
  if (!cluster) {
    co_return make_unexpected(gone());
  }
  database_entry* entry = cluster->find(conn->database);
  if (entry == nullptr || entry->credential != conn->credential) {
    ++cluster->access_denied;
    cluster->record(conn->node, "db", conn->database + " access_denied");
    co_return make_unexpected(
        make_error(sql::errc::access_denied, "access denied to database " + conn->database));
  }
  ++entry->counters.transactions;
  // The scheduler that resumes this frame is alive whenever it does; the cluster may not be.
  scheduler& sched = cluster->sched;

  if (entry->faults.unavailable) {
    const bool times_out = timeout <= storage_cluster::connect_refused_delay;
    cluster.reset();
    co_await wake_after(sched, times_out ? timeout : storage_cluster::connect_refused_delay);
    cluster = weak.lock();
    if (!cluster) {
      co_return make_unexpected(gone());
    }
    if (times_out) {
      ++entry->counters.timeouts;
      cluster->record(conn->node, "db", conn->database + " timeout");
      co_return make_unexpected(make_error(sql::errc::timeout, "database connect timed out"));
    }
    ++entry->counters.unavailable;
    cluster->record(conn->node, "db", conn->database + " unavailable");
    co_return make_unexpected(make_error(sql::errc::unavailable, "connection refused"));
  }

  const duration latency = draw_latency(entry->rng, entry->faults);
  if (latency >= timeout) {
    cluster.reset();
    co_await wake_after(sched, timeout);
    cluster = weak.lock();
    if (!cluster) {
      co_return make_unexpected(gone());
    }
    ++entry->counters.timeouts;
    cluster->record(conn->node, "db", conn->database + " timeout");
    co_return make_unexpected(make_error(sql::errc::timeout, "database did not answer in time"));
  }
  if (latency > duration(0)) {
    cluster.reset();
    co_await wake_after(sched, latency);
    cluster = weak.lock();
    if (!cluster) {
      co_return make_unexpected(gone());
    }
    // The database went away while the request travelled.
    if (entry->faults.unavailable) {
      ++entry->counters.unavailable;
      cluster->record(conn->node, "db", conn->database + " unavailable");
      co_return make_unexpected(make_error(sql::errc::unavailable, "connection lost"));
    }
  }

  if (roll(entry->rng, entry->faults.error_rate)) {
    ++entry->counters.injected_errors;
    cluster->record(conn->node, "db", conn->database + " injected_error");
    co_return make_unexpected(make_error(sql::errc::unavailable, "injected error"));
  }
  const bool unknown = roll(entry->rng, entry->faults.outcome_unknown_rate);
  const bool unknown_commits = unknown && entry->rng.unit() < 0.5;
  const auto how = unknown && !unknown_commits ? rt::sqlite::finish::rollback
                                               : rt::sqlite::finish::commit;

  if (conn->statement_count == nullptr) {
    conn->statement_count = &cluster->statements[conn->database][conn->node];
  }
  std::uint64_t& statement_count = *conn->statement_count;
  cluster_state& state = *cluster;
  const rt::db_status status = entry->db->transact(
      [&](sql::transaction& tx) {
        attributed_transaction attributed(tx, state, *conn, statement_count);
        body(attributed);
      },
      how);
  if (!status) {
    ++entry->counters.failed;
    cluster->record(conn->node, "db",
                    conn->database + " error " + std::string(sql::to_string(status.error().code)));
    co_return status;
  }
  if (!unknown) {
    ++entry->counters.committed;
    co_return status;
  }
  if (unknown_commits) {
    ++entry->counters.committed;
    ++entry->counters.outcome_unknown_committed;
  } else {
    ++entry->counters.outcome_unknown_rolled_back;
  }
  cluster->record(conn->node, "db",
                  conn->database + (unknown_commits ? " outcome_unknown committed"
                                                    : " outcome_unknown rolled_back"));
  co_return make_unexpected(make_error(sql::errc::outcome_unknown, "commit outcome unknown"));
}

// The handle a node holds for its database.
class sim_storage final : public rt::storage {
 public:
  sim_storage(std::weak_ptr<cluster_state> cluster, std::shared_ptr<const connection> conn)
      : cluster_(std::move(cluster)), conn_(std::move(conn)) {}

  task<rt::db_status> transact(rt::transaction_body body, duration timeout) override {
    return run_transaction(cluster_, conn_, std::move(body), timeout);
  }
  std::string_view engine() const override { return "sqlite"; }

 private:
  std::weak_ptr<cluster_state> cluster_;
  std::shared_ptr<const connection> conn_;
};

}  // namespace

storage_cluster::storage_cluster(scheduler& sched, trace& tr, std::uint64_t root_seed)
    : impl_(std::make_shared<impl>(sched, tr, root_seed)) {}

storage_cluster::~storage_cluster() = default;

void storage_cluster::create_database(const std::string& name, const std::string& credential) {
  QM_ASSERT_MSG(!has_database(name), "database created twice");
  QM_ASSERT_MSG(!name.empty(), "a database needs a name");
  auto db = rt::sqlite::database::open(":memory:");
  QM_ASSERT_MSG(db.ok(), "an in-memory SQLite database failed to open");
  impl_->databases.emplace(
      name, database_entry{credential, std::move(*db), db_faults{},
                           prng::derive(impl_->root_seed, "db/" + name), db_counters{}});
}

bool storage_cluster::has_database(std::string_view name) const {
  return impl_->databases.find(name) != impl_->databases.end();
}

std::unique_ptr<rt::storage> storage_cluster::connect(std::string node, std::string database,
                                                      std::string credential) {
  auto conn = std::make_shared<const connection>(
      connection{std::move(node), std::move(database), std::move(credential)});
  return std::make_unique<sim_storage>(std::weak_ptr<cluster_state>(impl_), std::move(conn));
}

void storage_cluster::set_faults(std::string_view database, const db_faults& f) {
  QM_ASSERT_MSG(f.latency_min >= duration(0) && f.latency_max >= duration(0),
                "database latency is not negative");
  QM_ASSERT_MSG(valid_rate(f.error_rate) && valid_rate(f.outcome_unknown_rate),
                "fault rates lie in [0, 1]");
  impl_->get(database).faults = f;
}

const db_faults& storage_cluster::faults(std::string_view database) const {
  return impl_->get(database).faults;
}

const std::map<std::string, std::map<std::string, std::uint64_t>>&
storage_cluster::statements_by_database() const {
  return impl_->statements;
}

std::uint64_t storage_cluster::access_denied_count() const { return impl_->access_denied; }

const db_counters& storage_cluster::counters(std::string_view database) const {
  return impl_->get(database).counters;
}

sql::rows storage_cluster::inspect(std::string_view database, std::string_view statement,
                                   const sql::params& args) {
  database_entry* entry = impl_->find(database);
  if (entry == nullptr) {
    throw sql::db_exception(
        make_error(sql::errc::query_error, "no database " + std::string(database)));
  }
  auto rows = entry->db->read(statement, args);
  if (!rows) {
    throw sql::db_exception(rows.error());
  }
  return std::move(*rows);
}

rt::db_status storage_cluster::exec_script(std::string_view database, std::string_view script) {
  return impl_->get(database).db->exec_script(script);
}

}  // namespace qm::sim
