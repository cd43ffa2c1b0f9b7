#pragma once
// What `quickmart up` runs: for each child, its command line, its whole environment (built
// here, never inherited), how to tell it is ready, how to stop it and when it starts and
// stops relative to the others. Pure: every path, binary and secret comes in through
// topology_inputs, so tests check the plan without starting anything.

#include <map>
#include <string>
#include <vector>

#include "app/up/cluster_names.hpp"
#include "app/up/secrets_file.hpp"

namespace qm::up {

struct topology_inputs {
  bool embedded = false;
  bool with_prometheus = false;
  int base_port = default_base_port;
  std::string data_dir;        // absolute
  std::string quickmart;       // absolute path of the quickmart binary
  std::string pg_bin;          // directory of postgres, initdb, psql
  std::string redis_server;    // path of redis-server
  std::string prometheus;      // path of prometheus
  std::string path_env;        // PATH handed to PostgreSQL, Redis and Prometheus
  secrets keys;                // from DIR/secrets.env
  std::map<std::string, std::string> user_environment;  // the QUICKMART_* variables up was given
};

enum class readiness { postgres_accepts, redis_pong, http_ok };

struct child_spec {
  std::string name;
  child_kind kind = child_kind::service;
  int port = 0;
  std::vector<std::string> argv;  // argv[0] is an absolute path
  std::vector<std::string> env;   // KEY=VALUE, sorted
  readiness ready = readiness::http_ok;
  std::string ready_path;  // http_ok: the path that must answer 200
  int stop_signal = 15;    // SIGTERM; PostgreSQL gets SIGINT (fast shutdown)
  bool as_database_user = false;  // PostgreSQL refuses root: run as the unprivileged owner
  int start_phase = 0;  // 0 databases and Redis, 1 services and gateway, 2 Prometheus
  int stop_phase = 0;   // 0 gateway, 1 services, 2 Prometheus, 3 Redis, 4 databases
};

inline constexpr int start_phases = 3;
inline constexpr int stop_phases = 5;

// The superuser initdb creates in each cluster, reachable only over the cluster's unix socket.
inline constexpr std::string_view database_superuser = "quickmart_admin";

int port_of(const topology_inputs& in, std::string_view name);
std::string log_path(const std::string& data_dir, std::string_view name);
std::string cluster_dir(const std::string& data_dir, std::string_view service);   // DIR/pg/<svc>
std::string socket_dir(const std::string& data_dir, std::string_view db_name);    // DIR/run/<svc>-db
std::string sqlite_path(const std::string& data_dir, std::string_view service);   // DIR/sqlite/<svc>.db
std::string database_url(const topology_inputs& in, std::string_view service);    // what the service gets
std::string base_url(int port);                                                    // http://127.0.0.1:PORT

// Every child this run supervises, in all_child_names() order.
std::vector<child_spec> plan_children(const topology_inputs& in);

// The QUICKMART_* variables of the user's environment a service receives: those naming one of
// the service's own options (`quickmart serve <svc> --help`) that the launcher does not set
// itself (listen address, database, service URLs, Redis, secrets), e.g. QUICKMART_LOG_LEVEL,
// QUICKMART_SCRYPT_N, QUICKMART_PAYMENT_FAILURE_PERMILLE.
std::map<std::string, std::string> passed_through(const topology_inputs& in, std::string_view service,
                                                  const std::map<std::string, std::string>& launcher_set);

// The environment of PostgreSQL's programs: PATH and the C locale.
std::vector<std::string> database_tool_env(const topology_inputs& in);

// initdb of a service's cluster into target_dir: UTF8, C locale, the superuser
// database_superuser trusted over the unix socket only, scram-sha-256 over TCP.
std::vector<std::string> initdb_argv(const topology_inputs& in, const std::string& target_dir);

// psql as the superuser over the cluster's unix socket, running sql_path, stopping at the
// first error.
std::vector<std::string> provision_argv(const topology_inputs& in, std::string_view service,
                                        const std::string& sql_path);

// Idempotent, run on every start: role <service> (LOGIN, the password of secrets.env, set
// again so the file stays the truth), database <service>_db owned by it, CONNECT on it and on
// postgres/template1 closed to everyone else. Identifiers are quoted ("order" is a keyword);
// passwords are the launcher's hex, nothing to escape.
std::string provisioning_sql(std::string_view service, const std::string& password);

// DIR/prometheus/prometheus.yml: the seven services on loopback, labelled as the compose
// file's scrape config labels them, and the alert rules next to it.
std::string prometheus_config(int base_port);

}  // namespace qm::up
