#pragma once
// The PostgreSQL work of `quickmart up` beyond running the servers: who owns the clusters,
// their directories, the first run's initdb (staged, so an interrupted run leaves no half
// cluster) and the role/database setup run on every start.

#include <string>
#include <utility>
#include <vector>

#include "app/up/supervisor.hpp"
#include "app/up/topology.hpp"

namespace qm::up {

// As root: the `postgres` user (PostgreSQL refuses root), and DIR must be reachable by it.
// Otherwise: up's own user, nothing to switch.
bool resolve_database_account(const std::string& data_dir, database_account& account, std::string& error);

struct cluster_preparation {
  std::vector<job> initdbs;                                  // one per cluster still missing
  std::vector<std::pair<std::string, std::string>> staged;  // initdb's directory -> the cluster's
};

// Creates DIR/pg and the socket directories (owned by the account), and plans initdb for
// every cluster that does not exist yet.
bool prepare_clusters(const topology_inputs& in, const database_account& account, cluster_preparation& out,
                      std::string& error);

// After every initdb succeeded: moves the new clusters into place.
bool install_clusters(const cluster_preparation& prepared, std::string& error);

// Writes each cluster's setup script (provisioning_sql, 0600, owned by the account, in its
// socket directory) and returns the psql jobs that run it.
bool provisioning_jobs(const topology_inputs& in, const database_account& account, std::vector<job>& out,
                       std::string& error);
void remove_provisioning_scripts(const topology_inputs& in);

}  // namespace qm::up
