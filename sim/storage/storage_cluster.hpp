#pragma once
// Simulated storage: every service database is its own in-memory SQLite database, reached
// only with that database's credential, behind a fault layer the scenario controls.
// Every statement is attributed in the trace to the node that sent it.
//
// A transaction through a handle from connect() goes, in virtual time:
//  1. wrong database or credential: errc::access_denied at once (traced, counted);
//  2. database unavailable: the connection is refused after connect_refused_delay
//     (errc::unavailable), or errc::timeout at the deadline when that comes first;
//  3. a latency drawn from the database's fault stream ("db/<database>") passes; when it is
//     not below the timeout the caller gets errc::timeout at the timeout and the body never
//     runs. The body runs after the latency, so it sees the state of that virtual instant
//     and, the simulator being single-threaded, transactions are serializable;
//  4. the database may have become unavailable meanwhile (errc::unavailable), and error_rate
//     fails it with errc::unavailable, message "injected error", before the body runs;
//  5. the body runs inline on the database's in-memory SQLite (each statement counted for
//     (database, node) and traced as kind `sql`: "<database> <verb> <table>");
//  6. outcome_unknown_rate: the transaction commits or rolls back (50/50) and reports
//     errc::outcome_unknown either way.
// A frame destroyed while it waits (a node crash) is never resumed, and the body never runs.
// Handles may outlive the cluster: their transactions then fail with errc::unavailable.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/time.hpp"
#include "runtime/storage.hpp"

namespace qm::sim {

class scheduler;
class trace;
class prng;

// The faults a scenario can set on one database. Latency is added to each transaction
// (uniform in [latency_min, latency_max]); error_rate fails a transaction before it runs;
// outcome_unknown_rate reports errc::outcome_unknown after a transaction whose commit
// happened (half of them) or did not (the other half).
struct db_faults {
  bool unavailable = false;  // connections are refused
  duration latency_min{0};
  duration latency_max{0};
  double error_rate = 0;
  double outcome_unknown_rate = 0;
};

// What happened to one database's transactions, for summaries and checks.
struct db_counters {
  std::uint64_t transactions = 0;  // attempts with the right credential
  std::uint64_t committed = 0;     // bodies that ran and committed (outcome_unknown included)
  std::uint64_t failed = 0;        // bodies that ran and failed (a constraint, a query error)
  std::uint64_t unavailable = 0;   // refused while the database was unavailable
  std::uint64_t timeouts = 0;
  std::uint64_t injected_errors = 0;
  std::uint64_t outcome_unknown_committed = 0;
  std::uint64_t outcome_unknown_rolled_back = 0;
};

class storage_cluster {
 public:
  // How long a refused connection takes to fail while a database is unavailable.
  static constexpr duration connect_refused_delay = std::chrono::milliseconds(1);

  storage_cluster(scheduler& sched, trace& tr, std::uint64_t root_seed);
  ~storage_cluster();
  storage_cluster(const storage_cluster&) = delete;
  storage_cluster& operator=(const storage_cluster&) = delete;

  // Creates an empty database reachable with credential. Creating one twice is a bug.
  void create_database(const std::string& name, const std::string& credential);
  bool has_database(std::string_view name) const;

  // A storage handle for node. A wrong database name or credential yields a handle whose
  // every transaction fails with errc::access_denied (and the attempt is traced).
  std::unique_ptr<rt::storage> connect(std::string node, std::string database,
                                       std::string credential);

  // Fault control, per database.
  void set_faults(std::string_view database, const db_faults& f);
  const db_faults& faults(std::string_view database) const;

  // Reads for checkers: which nodes ran statements against which database.
  const std::map<std::string, std::map<std::string, std::uint64_t>>& statements_by_database() const;
  std::uint64_t access_denied_count() const;
  const db_counters& counters(std::string_view database) const;

  // Runs one read-only statement directly (for checkers and tests), bypassing faults and
  // attribution. Throws sql::db_exception for an unknown database, a statement that would
  // write, or a bad statement.
  sql::rows inspect(std::string_view database, std::string_view statement,
                    const sql::params& args = {});

  // Applies a schema script directly (for tests and tools), bypassing faults and attribution.
  rt::db_status exec_script(std::string_view database, std::string_view script);

 private:
  struct impl;
  // Shared so that handles can notice the cluster is gone (they hold a weak reference).
  std::shared_ptr<impl> impl_;
};

}  // namespace qm::sim
