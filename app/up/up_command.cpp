// `quickmart up`: prepares DIR (secrets, PostgreSQL clusters, Prometheus's config), then hands
// the children to the supervisor phase by phase: databases and Redis, the services and the
// gateway, Prometheus; prints the URLs and `quickmart up: ready`, supervises until SIGINT or
// SIGTERM, and stops everything.

#include <fcntl.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "app/up/arguments.hpp"
#include "app/up/commands.hpp"
#include "app/up/event_line.hpp"
#include "app/up/loopback_probe.hpp"
#include "app/up/postgres_clusters.hpp"
#include "app/up/run_files.hpp"
#include "app/up/secrets_file.hpp"
#include "app/up/supervisor.hpp"
#include "app/up/topology.hpp"

namespace qm::up {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

constexpr int databases_ready_timeout_ms = 60'000;
constexpr int initdb_timeout_ms = 120'000;
constexpr int provision_timeout_ms = 30'000;
constexpr int services_ready_timeout_ms = 90'000;
constexpr int prometheus_ready_timeout_ms = 60'000;

int fail(const std::string& message) {
  std::fprintf(stderr, "quickmart up: failed to start: %s\n", message.c_str());
  return exit_failed;
}

std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::size_t got = 0;
  while (got < bytes) {
    const auto n = ::getrandom(raw.data() + got, bytes - got, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      std::fprintf(stderr, "quickmart up: getrandom failed: %s\n", std::strerror(errno));
      std::abort();  // a predictable secret is worse than no start
    }
    got += static_cast<std::size_t>(n);
  }
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

// Reads DIR/secrets.env, adds whatever it lacks (everything on the first run), keeps it 0600.
bool load_secrets(const std::string& path, secrets& out, std::string& error) {
  if (auto text = read_small_file(path)) {
    auto parsed = parse_secrets(*text);
    if (!parsed) {
      error = path + ": " + parsed.error();
      return false;
    }
    out = *parsed;
  }
  const auto missing = missing_secret_keys(out);
  if (missing.empty()) {
    ::chmod(path.c_str(), 0600);
    return true;
  }
  for (const auto& key : missing) {
    out[key] = secret_value_for(key, random_hex(32));
  }
  if (!write_file_atomically(path, format_secrets(out), 0600)) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

std::string self_executable() {
  char buf[PATH_MAX];
  const auto n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

bool is_executable(const std::string& path) { return !path.empty() && ::access(path.c_str(), X_OK) == 0; }

// The first executable NAME on PATH (or in the usual system directories).
std::string find_program(const std::string& name, const std::string& path_env) {
  std::string dirs = path_env + ":/usr/local/bin:/usr/bin:/usr/sbin:/bin:/sbin";
  std::size_t i = 0;
  while (i <= dirs.size()) {
    const auto next = dirs.find(':', i);
    const auto dir = dirs.substr(i, next == std::string::npos ? std::string::npos : next - i);
    if (!dir.empty() && is_executable(dir + "/" + name)) {
      return dir + "/" + name;
    }
    if (next == std::string::npos) {
      break;
    }
    i = next + 1;
  }
  return {};
}

// The directory holding docker/prometheus/alerts.yml: --share-dir, else a parent of the
// binary's directory (a build tree inside the repository), else PREFIX/share/quickmart.
std::string find_share_dir(const std::string& given, const std::string& exe) {
  const std::string rules = "/docker/prometheus/alerts.yml";
  if (!given.empty()) {
    return file_exists(given + rules) ? given : std::string();
  }
  std::string dir = exe.substr(0, exe.rfind('/'));
  for (int up = 0; up < 4 && !dir.empty(); ++up) {
    if (file_exists(dir + rules)) {
      return dir;
    }
    if (file_exists(dir + "/share/quickmart" + rules)) {
      return dir + "/share/quickmart";
    }
    dir = dir.substr(0, dir.rfind('/'));
  }
  return {};
}

bool copy_file(const std::string& from, const std::string& to) {
  auto text = read_small_file(from);
  return text && write_file_atomically(to, *text, 0644);
}

void print_urls(const topology_inputs& in, const std::vector<child_spec>& children) {
  for (const auto& c : children) {
    std::string what;
    if (c.kind == child_kind::database) {
      const auto svc = c.name.substr(0, c.name.size() - 3);
      what = "postgresql://" + svc + "@127.0.0.1:" + std::to_string(c.port) + "/" + svc + "_db (password " +
             database_password_key(svc) + ")";
    } else if (c.kind == child_kind::redis) {
      what = "redis://127.0.0.1:" + std::to_string(c.port);
    } else {
      what = base_url(c.port);
    }
    std::string name = c.name;
    name.resize(std::max<std::size_t>(name.size(), 13), ' ');
    say(name + what);
  }
  say("admin        " + in.keys.at("QUICKMART_ADMIN_EMAIL") + " (password QUICKMART_ADMIN_PASSWORD)");
  say("secrets      " + in.data_dir + "/secrets.env");
  say("logs         " + in.data_dir + "/logs/<name>.log");
}

}  // namespace

int run_up(const std::vector<std::string>& args, const std::map<std::string, std::string>& environment) {
  auto parsed = parse_up_arguments(args, environment);
  if (!parsed) {
    std::fprintf(stderr, "quickmart up: %s\n(see quickmart up --help)\n", parsed.error().c_str());
    return exit_usage;
  }
  const up_options& o = *parsed;
  if (o.help) {
    const auto help = up_help_text();
    std::fwrite(help.data(), 1, help.size(), stdout);
    return exit_ok;
  }
  const auto began = std::chrono::steady_clock::now();
  const auto elapsed_ms = [began] {
    return std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count());
  };
  std::string error;
  topology_inputs in;
  in.embedded = o.embedded;
  in.with_prometheus = o.with_prometheus;
  in.base_port = o.base_port;
  in.data_dir = absolute_dir(o.data_dir);
  in.pg_bin = o.pg_bin;
  in.quickmart = self_executable();
  const char* path = std::getenv("PATH");
  in.path_env = path != nullptr && *path != '\0' ? path : "/usr/local/bin:/usr/bin:/bin";
  in.user_environment = environment;  // topology.cpp picks what passes through
  const run_files files{in.data_dir};

  // DIR is traversable by everyone (PostgreSQL's user must reach its clusters); what is
  // private inside it is private by its own mode (secrets.env 0600, the clusters 0700).
  if (!make_dirs(in.data_dir, 0755, error) || !make_dir(in.data_dir + "/logs", 0755, error) ||
      !make_dir(files.dir(), 0755, error)) {
    return fail(error);
  }
  const int lock_fd = ::open(files.lock().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd < 0 || ::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const auto other = read_small_file(files.up_pid());
    return fail("another quickmart up runs on " + in.data_dir + " (pid " +
                (other ? std::string(other->substr(0, other->find('\n'))) : std::string("?")) + ")");
  }
  write_file_atomically(files.up_pid(), std::to_string(::getpid()) + "\n", 0644);
  for (const auto& n : all_child_names()) {
    // A new up starts everything: holds and pids of an earlier run mean nothing now.
    ::unlink(files.held(n.name).c_str());
    ::unlink(files.pid(n.name).c_str());
    ::unlink(files.state(n.name).c_str());
  }
  const auto cleanup_and = [&](int code) {
    ::unlink(files.up_pid().c_str());
    ::close(lock_fd);
    return code;
  };

  if (!load_secrets(in.data_dir + "/secrets.env", in.keys, error)) {
    return cleanup_and(fail(error));
  }
  if (in.quickmart.empty()) {
    return cleanup_and(fail("cannot find the quickmart binary through /proc/self/exe"));
  }
  database_account account;
  if (!in.embedded) {
    for (const char* tool : {"postgres", "initdb", "psql"}) {
      if (!is_executable(in.pg_bin + "/" + tool)) {
        return cleanup_and(fail(std::string(tool) + " not found in " + in.pg_bin +
                                " (install postgresql-15, or set --pg-bin / QUICKMART_PG_BIN; --embedded needs none)"));
      }
    }
    in.redis_server = find_program("redis-server", in.path_env);
    if (in.redis_server.empty()) {
      return cleanup_and(fail("redis-server not found on PATH (install redis-server; --embedded needs none)"));
    }
    if (!resolve_database_account(in.data_dir, account, error)) {
      return cleanup_and(fail(error));
    }
  }
  std::string share_dir;
  if (in.with_prometheus) {
    in.prometheus = find_program("prometheus", in.path_env);
    if (in.prometheus.empty()) {
      return cleanup_and(fail("prometheus not found on PATH (install prometheus)"));
    }
    share_dir = find_share_dir(o.share_dir, in.quickmart);
    if (share_dir.empty()) {
      return cleanup_and(fail("cannot find docker/prometheus/alerts.yml" +
                              (o.share_dir.empty() ? std::string(" near ") + in.quickmart : " in " + o.share_dir) +
                              " (set --share-dir or QUICKMART_SHARE_DIR to the repository)"));
    }
  }

  const auto children = plan_children(in);
  for (const auto& c : children) {
    if (!port_is_free(c.port)) {
      return cleanup_and(fail("port " + std::to_string(c.port) + " (" + c.name + ") is already in use on 127.0.0.1; "
                              "choose another --base-port"));
    }
  }

  // Directories and first-run work.
  cluster_preparation clusters;
  if (in.embedded) {
    if (!make_dir(in.data_dir + "/sqlite", 0700, error)) {
      return cleanup_and(fail(error));
    }
  } else if (!prepare_clusters(in, account, clusters, error)) {
    return cleanup_and(fail(error));
  }
  if (in.with_prometheus) {
    const auto dir = in.data_dir + "/prometheus";
    if (!make_dir(dir, 0755, error)) {
      return cleanup_and(fail(error));
    }
    if (!write_file_atomically(dir + "/prometheus.yml", prometheus_config(in.base_port), 0644) ||
        !copy_file(share_dir + "/docker/prometheus/alerts.yml", dir + "/alerts.yml")) {
      return cleanup_and(fail("cannot write " + dir + "/prometheus.yml and alerts.yml"));
    }
  }

  supervisor sup(files, children, account);
  if (!sup.open_signals(error)) {
    return cleanup_and(fail(error));
  }
  const auto finish = [&](supervisor::outcome r, const std::string& why = "") {
    sup.stop_all();
    if (r == supervisor::outcome::failed) {
      return cleanup_and(fail(why.empty() ? sup.failure() : why));
    }
    say("stopped");
    return cleanup_and(exit_ok);
  };

  if (!clusters.initdbs.empty()) {
    std::string names;
    for (const auto& j : clusters.initdbs) {
      names += (names.empty() ? "" : " ") + j.log_name;
    }
    say("initdb " + names + " (first run)");
    if (auto r = sup.run_jobs(clusters.initdbs, initdb_timeout_ms); r != supervisor::outcome::done) {
      return finish(r);
    }
    if (!install_clusters(clusters, error)) {
      return finish(supervisor::outcome::failed, error);
    }
  }
  if (auto r = sup.start_phase(0, databases_ready_timeout_ms); r != supervisor::outcome::done) {
    return finish(r);
  }
  if (!in.embedded) {
    say("databases and redis accept connections (+" + elapsed_ms() + " ms)");
    std::vector<job> setups;
    if (!provisioning_jobs(in, account, setups, error)) {
      remove_provisioning_scripts(in);
      return finish(supervisor::outcome::failed, error);
    }
    const auto r = sup.run_jobs(setups, provision_timeout_ms);
    remove_provisioning_scripts(in);
    if (r != supervisor::outcome::done) {
      return finish(r);
    }
    say("roles and databases in place (+" + elapsed_ms() + " ms)");
  }
  if (auto r = sup.start_phase(1, services_ready_timeout_ms); r != supervisor::outcome::done) {
    return finish(r);
  }
  say("services and gateway ready (+" + elapsed_ms() + " ms)");
  if (auto r = sup.start_phase(2, prometheus_ready_timeout_ms); r != supervisor::outcome::done) {
    return finish(r);
  }
  print_urls(in, children);
  say("started in " + elapsed_ms() + " ms; Ctrl-C stops everything");
  say("ready");
  sup.supervise();
  say("stopping");
  return finish(supervisor::outcome::done);
}

}  // namespace qm::up
