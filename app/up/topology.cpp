#include "app/up/topology.hpp"

#include <algorithm>

#include "core/config/service_config.hpp"

namespace qm::up {

namespace {

constexpr int sigint = 2;
constexpr int sigterm = 15;

std::vector<std::string> as_env_lines(const std::map<std::string, std::string>& vars) {
  std::vector<std::string> lines;
  for (auto& [k, v] : vars) {
    lines.push_back(k + "=" + v);
  }
  return lines;  // std::map: sorted by key
}

std::string secret(const topology_inputs& in, const std::string& key) {
  auto it = in.keys.find(key);
  return it == in.keys.end() ? std::string() : it->second;
}

std::string upper(std::string_view s) {
  std::string out;
  for (char c : s) {
    out.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
  }
  return out;
}

child_spec service_child(const topology_inputs& in, std::string_view name, child_kind kind) {
  child_spec c;
  c.name = std::string(name);
  c.kind = kind;
  c.port = port_of(in, name);
  c.argv = {in.quickmart, "serve", std::string(name)};
  c.ready = readiness::http_ok;
  c.ready_path = "/health/ready";
  c.stop_signal = sigterm;
  c.start_phase = 1;
  c.stop_phase = kind == child_kind::gateway ? 0 : 1;

  std::map<std::string, std::string> env;
  env["QUICKMART_LISTEN"] = "127.0.0.1:" + std::to_string(c.port);
  env["QUICKMART_CONTEXT_SECRET"] = secret(in, "QUICKMART_CONTEXT_SECRET");
  for (auto& upstream : config::upstreams_of(name)) {
    env["QUICKMART_" + upper(upstream) + "_URL"] = base_url(port_of(in, upstream));
  }
  const auto& owners = database_services();
  if (std::find(owners.begin(), owners.end(), name) != owners.end()) {
    env["QUICKMART_DATABASE_URL"] = database_url(in, name);
  }
  if (name == "auth") {
    env["QUICKMART_TOKEN_SECRET"] = secret(in, "QUICKMART_TOKEN_SECRET");
    env["QUICKMART_ADMIN_EMAIL"] = secret(in, "QUICKMART_ADMIN_EMAIL");
    env["QUICKMART_ADMIN_PASSWORD"] = secret(in, "QUICKMART_ADMIN_PASSWORD");
  }
  if (kind == child_kind::gateway) {
    // With auth's token secret the gateway verifies tokens itself while auth is down.
    env["QUICKMART_TOKEN_SECRET"] = secret(in, "QUICKMART_TOKEN_SECRET");
    if (!in.embedded) {
      env["QUICKMART_REDIS_URL"] = "redis://127.0.0.1:" + std::to_string(port_of(in, "redis"));
    }
  }
  auto extra = passed_through(in, name, env);
  env.insert(extra.begin(), extra.end());
  c.env = as_env_lines(env);
  return c;
}

child_spec database_child(const topology_inputs& in, std::string_view service) {
  child_spec c;
  c.name = database_name_of(service);
  c.kind = child_kind::database;
  c.port = port_of(in, c.name);
  // In the foreground, supervised like any child (pg_ctl would daemonize it). Commits return
  // before their WAL reaches the disk: a crash of the machine may lose the last moments of a
  // local cluster, never its consistency; a crash of postgres loses nothing.
  c.argv = {in.pg_bin + "/postgres",
            "-D", cluster_dir(in.data_dir, service),
            "-p", std::to_string(c.port),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=" + socket_dir(in.data_dir, c.name),
            "-c", "synchronous_commit=off",
            "-c", "max_connections=40"};
  c.env = database_tool_env(in);
  c.ready = readiness::postgres_accepts;
  c.stop_signal = sigint;
  c.as_database_user = true;
  c.start_phase = 0;
  c.stop_phase = 4;
  return c;
}

child_spec redis_child(const topology_inputs& in) {
  child_spec c;
  c.name = "redis";
  c.kind = child_kind::redis;
  c.port = port_of(in, "redis");
  // Rate-limit windows only: nothing worth keeping across runs, so no snapshot, no AOF.
  c.argv = {in.redis_server, "--port", std::to_string(c.port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--dir", in.data_dir + "/run"};
  c.env = as_env_lines({{"PATH", in.path_env}});
  c.ready = readiness::redis_pong;
  c.stop_signal = sigterm;
  c.start_phase = 0;
  c.stop_phase = 3;
  return c;
}

child_spec prometheus_child(const topology_inputs& in) {
  child_spec c;
  c.name = "prometheus";
  c.kind = child_kind::prometheus;
  c.port = port_of(in, "prometheus");
  c.argv = {in.prometheus,
            "--config.file=" + in.data_dir + "/prometheus/prometheus.yml",
            "--storage.tsdb.path=" + in.data_dir + "/prometheus/data",
            "--web.listen-address=127.0.0.1:" + std::to_string(c.port)};
  c.env = as_env_lines({{"PATH", in.path_env}});
  c.ready = readiness::http_ok;
  c.ready_path = "/-/ready";
  c.stop_signal = sigterm;
  c.start_phase = 2;
  c.stop_phase = 2;
  return c;
}

}  // namespace

int port_of(const topology_inputs& in, std::string_view name) {
  auto n = find_child_name(name);
  return n ? in.base_port + n->port_offset : 0;
}

std::string log_path(const std::string& data_dir, std::string_view name) {
  return data_dir + "/logs/" + std::string(name) + ".log";
}

std::string cluster_dir(const std::string& data_dir, std::string_view service) {
  return data_dir + "/pg/" + std::string(service);
}

std::string socket_dir(const std::string& data_dir, std::string_view db_name) {
  return data_dir + "/run/" + std::string(db_name);
}

std::string sqlite_path(const std::string& data_dir, std::string_view service) {
  return data_dir + "/sqlite/" + std::string(service) + ".db";
}

std::string base_url(int port) { return "http://127.0.0.1:" + std::to_string(port); }

std::string database_url(const topology_inputs& in, std::string_view service) {
  if (in.embedded) {
    return "sqlite:" + sqlite_path(in.data_dir, service);
  }
  // The role is named after the service and owns <service>_db; generated passwords are hex.
  return "postgresql://" + std::string(service) + ":" + secret(in, database_password_key(service)) +
         "@127.0.0.1:" + std::to_string(port_of(in, database_name_of(service))) + "/" + std::string(service) + "_db";
}

std::map<std::string, std::string> passed_through(const topology_inputs& in, std::string_view service,
                                                  const std::map<std::string, std::string>& launcher_set) {
  std::map<std::string, std::string> out;
  for (const auto& option : config::options_for(service)) {
    const auto name = config::env_name(option);
    if (launcher_set.contains(name) || option.secret || name.ends_with("_URL")) {
      continue;
    }
    if (auto it = in.user_environment.find(name); it != in.user_environment.end()) {
      out[name] = it->second;
    }
  }
  return out;
}

std::vector<child_spec> plan_children(const topology_inputs& in) {
  std::vector<child_spec> out;
  for (const auto& n : all_child_names()) {
    switch (n.kind) {
      case child_kind::gateway:
      case child_kind::service:
        out.push_back(service_child(in, n.name, n.kind));
        break;
      case child_kind::database:
        if (!in.embedded) {
          out.push_back(database_child(in, n.name.substr(0, n.name.size() - 3)));
        }
        break;
      case child_kind::redis:
        if (!in.embedded) {
          out.push_back(redis_child(in));
        }
        break;
      case child_kind::prometheus:
        if (in.with_prometheus) {
          out.push_back(prometheus_child(in));
        }
        break;
    }
  }
  return out;
}

std::vector<std::string> database_tool_env(const topology_inputs& in) {
  return as_env_lines({{"LC_ALL", "C"}, {"PATH", in.path_env}});
}

std::vector<std::string> initdb_argv(const topology_inputs& in, const std::string& target_dir) {
  return {in.pg_bin + "/initdb", "-D", target_dir, "-U", std::string(database_superuser), "-E", "UTF8",
          "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"};
}

std::vector<std::string> provision_argv(const topology_inputs& in, std::string_view service,
                                        const std::string& sql_path) {
  const auto db = database_name_of(service);
  return {in.pg_bin + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", socket_dir(in.data_dir, db),
          "-p", std::to_string(port_of(in, db)), "-U", std::string(database_superuser), "-d", "postgres",
          "-f", sql_path};
}

std::string provisioning_sql(std::string_view service, const std::string& password) {
  const std::string role(service);
  const std::string db = role + "_db";
  return "SELECT format('CREATE ROLE %I LOGIN', '" + role +
         "') WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "')\\gexec\n"
         "ALTER ROLE \"" + role + "\" LOGIN PASSWORD '" + password + "';\n"
         "SELECT format('CREATE DATABASE %I OWNER %I', '" + db + "', '" + role +
         "') WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '" + db + "')\\gexec\n"
         "REVOKE CONNECT, TEMPORARY ON DATABASE \"" + db + "\" FROM PUBLIC;\n"
         "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;\n"
         "REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;\n";
}

std::string prometheus_config(int base_port) {
  std::string out =
      "# Generated by quickmart up: the seven services on loopback, labelled as\n"
      "# docker/prometheus/prometheus.yml labels them, with the same alert rules.\n"
      "global:\n"
      "  scrape_interval: 15s\n"
      "  scrape_timeout: 10s\n"
      "  evaluation_interval: 15s\n"
      "rule_files:\n"
      "  - alerts.yml\n"
      "scrape_configs:\n"
      "  - job_name: quickmart\n"
      "    metrics_path: /metrics/prometheus\n"
      "    honor_labels: true\n"
      "    static_configs:\n";
  for (const auto& n : all_child_names()) {
    if (n.kind != child_kind::service && n.kind != child_kind::gateway) {
      continue;
    }
    const std::string name(n.name);
    out += "      - targets: [\"127.0.0.1:" + std::to_string(base_port + n.port_offset) + "\"]\n";
    out += "        labels: {instance: " + name + ", service: " + name + "}\n";
  }
  return out;
}

}  // namespace qm::up
