// quickmart: the production command line.
//
//   quickmart --help
//   quickmart version
//   quickmart serve <service> [--OPTION VALUE]...   (quickmart serve <service> --help)
//   quickmart up [--embedded] [--with-prometheus] [--base-port N] [--data DIR]
//   quickmart cluster status|stop NAME|start NAME [--data DIR]
//
// Arguments are parsed strictly: an unknown command or option, a missing or malformed value,
// or a stray argument is a usage error (exit 2), never silently ignored.

#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "app/serve.hpp"
#include "app/up/commands.hpp"
#include "services/registry.hpp"

extern char** environ;

namespace {

constexpr int exit_ok = 0;
constexpr int exit_usage = 2;

constexpr std::string_view usage_text =
    "usage: quickmart <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  serve <service> [--OPTION VALUE]...\n"
    "                 run one service as a production process; options and their\n"
    "                 QUICKMART_* variables: quickmart serve <service> --help\n"
    "  up [--embedded] [--with-prometheus] [--base-port N] [--data DIR]\n"
    "                 run the whole shop on this machine (PostgreSQL, Redis, the services,\n"
    "                 the gateway) as supervised child processes: quickmart up --help\n"
    "  cluster status | stop NAME | start NAME [--data DIR]\n"
    "                 control one child of a running `quickmart up`: quickmart cluster --help\n"
    "  version        print the version\n"
    "  help, --help   print this help\n"
    "\n"
    "The whole cluster runs in the deterministic simulator:\n"
    "  build/quickmart-sim run scenarios/auth_smoke.yaml\n";

void print_out(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }
void print_err(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stderr); }

int usage_error(std::string_view message) {
  print_err("quickmart: ");
  print_err(message);
  print_err("\n(see quickmart --help)\n");
  return exit_usage;
}

// The QUICKMART_* part of the environment: all that configuration reads.
std::map<std::string, std::string> quickmart_environment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq != std::string_view::npos && entry.starts_with("QUICKMART_")) {
      env.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
  }
  return env;
}

int run_serve(const std::vector<std::string>& args) {
  if (args.empty() || args.front().starts_with("-")) {
    return usage_error("serve: which service? (quickmart serve <service>)");
  }
  const std::string& service = args.front();
  std::string known;
  bool found = false;
  for (auto name : qm::services::service_names()) {
    known += (known.empty() ? "" : ", ") + std::string(name);
    found = found || name == service;
  }
  if (!found) {
    return usage_error("serve: unknown service '" + service + "' (known: " + known + ")");
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  return qm::app::serve(service, rest, quickmart_environment());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_err(usage_text);
    return exit_usage;
  }
  const std::string command = args.front();
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "--help" || command == "-h" || command == "help") {
    if (!rest.empty()) {
      return usage_error("help takes no arguments");
    }
    print_out(usage_text);
    return exit_ok;
  }
  if (command == "version" || command == "--version") {
    if (!rest.empty()) {
      return usage_error("version takes no arguments");
    }
    print_out("quickmart " QUICKMART_VERSION "\n");
    return exit_ok;
  }
  if (command == "serve") {
    return run_serve(rest);
  }
  if (command == "up") {
    return qm::up::run_up(rest, quickmart_environment());
  }
  if (command == "cluster") {
    return qm::up::run_cluster(rest);
  }
  return usage_error("unknown command '" + command + "'");
}
