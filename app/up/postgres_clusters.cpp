#include "app/up/postgres_clusters.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "app/up/run_files.hpp"

namespace qm::up {

namespace {

constexpr std::size_t max_socket_path = 107;  // sun_path, with its terminating zero

std::string provisioning_script(const topology_inputs& in, std::string_view service) {
  return socket_dir(in.data_dir, database_name_of(service)) + "/provision.sql";
}

bool give_to(const database_account& account, const std::string& path, std::string& error) {
  if (account.switch_user && ::chown(path.c_str(), account.uid, account.gid) != 0) {
    error = "cannot give " + path + " to " + account.name + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool make_owned_dir(const database_account& account, const std::string& path, std::string& error) {
  return make_dir(path, 0700, error) && give_to(account, path, error);
}

// The postgres user must pass through every directory above DIR; initdb would fail later
// with a less telling message.
bool reachable_by(const database_account& account, const std::string& dir, std::string& error) {
  for (std::size_t i = dir.find('/', 1); i != std::string::npos; i = dir.find('/', i + 1)) {
    const std::string parent = dir.substr(0, i);
    struct stat st {};
    if (::stat(parent.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0 && st.st_uid != account.uid) {
      error = "the " + account.name + " user cannot enter " + parent + " to reach " + dir +
              "; choose a --data elsewhere (e.g. under /tmp or /var/tmp), or use --embedded";
      return false;
    }
  }
  return true;
}

}  // namespace

bool resolve_database_account(const std::string& data_dir, database_account& account, std::string& error) {
  if (::geteuid() != 0) {
    return true;
  }
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr) {
    error = "running as root, PostgreSQL needs the unprivileged user 'postgres' (created by the postgresql "
            "package); or run quickmart up as an ordinary user";
    return false;
  }
  account.switch_user = true;
  account.uid = pw->pw_uid;
  account.gid = pw->pw_gid;
  account.name = pw->pw_name;
  return reachable_by(account, data_dir, error);
}

bool prepare_clusters(const topology_inputs& in, const database_account& account, cluster_preparation& out,
                      std::string& error) {
  struct stat st {};
  if (account.switch_user && ::stat(in.data_dir.c_str(), &st) == 0 && (st.st_mode & S_IXOTH) == 0) {
    // The postgres user must pass through DIR to reach its clusters (nothing is listed).
    ::chmod(in.data_dir.c_str(), (st.st_mode & 07777) | S_IXOTH);
  }
  if (!make_owned_dir(account, in.data_dir + "/pg", error)) {
    return false;
  }
  for (auto svc : database_services()) {
    const auto sock = socket_dir(in.data_dir, database_name_of(svc));
    if (sock.size() + std::string_view("/.s.PGSQL.65535").size() >= max_socket_path) {
      error = "the unix socket path " + sock + "/.s.PGSQL.N is too long; choose a shorter --data";
      return false;
    }
    if (!make_owned_dir(account, sock, error)) {
      return false;
    }
    const auto cluster = cluster_dir(in.data_dir, svc);
    if (file_exists(cluster + "/PG_VERSION")) {
      continue;
    }
    if (file_exists(cluster)) {
      error = cluster + " exists but holds no PostgreSQL cluster; remove it to have one created";
      return false;
    }
    // initdb writes beside the cluster's place; install_clusters renames it into place once
    // every initdb succeeded, so an interrupted first run leaves no half cluster that a later
    // run would take for a real one. A leftover staging directory is ours to remove.
    const auto staging = cluster + ".initdb";
    std::error_code ignored;
    std::filesystem::remove_all(staging, ignored);
    out.staged.emplace_back(staging, cluster);
    out.initdbs.push_back({initdb_argv(in, staging), database_tool_env(in), database_name_of(svc), true});
  }
  return true;
}

bool install_clusters(const cluster_preparation& prepared, std::string& error) {
  for (const auto& [from, to] : prepared.staged) {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      error = "cannot rename " + from + " to " + to + ": " + std::strerror(errno);
      return false;
    }
  }
  return true;
}

bool provisioning_jobs(const topology_inputs& in, const database_account& account, std::vector<job>& out,
                       std::string& error) {
  for (auto svc : database_services()) {
    const auto script = provisioning_script(in, svc);
    const auto password = in.keys.find(database_password_key(svc));
    if (password == in.keys.end() ||
        !write_file_atomically(script, provisioning_sql(svc, password->second), 0600)) {
      error = "cannot write " + script;
      return false;
    }
    if (!give_to(account, script, error)) {
      return false;
    }
    out.push_back({provision_argv(in, svc, script), database_tool_env(in), database_name_of(svc), true});
  }
  return true;
}

void remove_provisioning_scripts(const topology_inputs& in) {
  for (auto svc : database_services()) {
    ::unlink(provisioning_script(in, svc).c_str());
  }
}

}  // namespace qm::up
