#pragma once
// Simulated storage: every service database is its own in-memory SQLite database, reached
// only with that database's credential, behind a fault layer the scenario controls.
// Every statement is attributed in the trace to the node that sent it.

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
  bool unavailable = false;
  duration latency_min{0};
  duration latency_max{0};
  double error_rate = 0;
  double outcome_unknown_rate = 0;
};

class storage_cluster {
 public:
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

  // Runs one read-only statement directly (for checkers and tests), bypassing faults.
  sql::rows inspect(std::string_view database, std::string_view statement,
                    const sql::params& args = {});

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace qm::sim
