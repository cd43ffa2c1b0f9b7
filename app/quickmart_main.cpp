// quickmart: the production command line.
//
//   quickmart --help
//   quickmart version
//   quickmart serve <service> [--port N] [--config FILE]
//
// Arguments are parsed strictly: an unknown command or option, a missing or malformed value,
// or a stray argument is a usage error (exit 2), never silently ignored. The production
// runtime is not in this build yet, so `serve` validates its arguments and then says so
// plainly (exit 2) rather than pretending to serve.

#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#if defined(QUICKMART_HAVE_SERVICES)
#include "services/registry.hpp"
#endif

namespace {

constexpr int exit_ok = 0;
constexpr int exit_usage = 2;
constexpr int exit_not_built = 2;

constexpr std::string_view usage_text =
    "usage: quickmart <command> [arguments]\n"
    "\n"
    "commands:\n"
    "  serve <service> [--port N] [--config FILE]\n"
    "                 run one service as a production process (not in this build yet)\n"
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

struct serve_options {
  std::string service;
  std::optional<int> port;
  std::optional<std::string> config_path;
};

std::optional<int> parse_port(std::string_view s) {
  int port = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  if (ec != std::errc{} || end != s.data() + s.size() || port < 1 || port > 65535) {
    return std::nullopt;
  }
  return port;
}

// The services this build knows; empty when the registry is not linked in.
std::vector<std::string> known_services() {
  std::vector<std::string> names;
#if defined(QUICKMART_HAVE_SERVICES)
  for (const auto& name : qm::services::service_names()) {
    names.emplace_back(name);
  }
#endif
  return names;
}

bool plausible_service_name(std::string_view s) {
  if (s.empty() || s.size() > 32) {
    return false;
  }
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) {
      return false;
    }
  }
  return true;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

int run_serve(const std::vector<std::string_view>& args) {
  serve_options opts;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--port" || a == "--config") {
      if (i + 1 >= args.size()) {
        return usage_error(std::string(a) + " needs a value");
      }
      const std::string_view v = args[++i];
      if (a == "--port") {
        opts.port = parse_port(v);
        if (!opts.port) {
          return usage_error("--port must be an integer in 1..65535, got '" + std::string(v) + "'");
        }
      } else {
        if (v.empty()) {
          return usage_error("--config needs a file name");
        }
        opts.config_path = std::string(v);
      }
    } else if (a.starts_with("-")) {
      return usage_error("serve: unknown option '" + std::string(a) + "'");
    } else if (opts.service.empty()) {
      opts.service = std::string(a);
    } else {
      return usage_error("serve: unexpected argument '" + std::string(a) + "'");
    }
  }
  if (opts.service.empty()) {
    return usage_error("serve: which service? (quickmart serve <service>)");
  }
  const auto known = known_services();
  if (!known.empty()) {
    bool found = false;
    for (const auto& n : known) {
      found = found || n == opts.service;
    }
    if (!found) {
      return usage_error("serve: unknown service '" + opts.service + "' (known: " + join(known) + ")");
    }
  } else if (!plausible_service_name(opts.service)) {
    return usage_error("serve: '" + opts.service + "' is not a service name");
  }
  print_err("quickmart: cannot serve '" + opts.service +
            "': the production runtime (Boost.Asio/Beast, libpqxx, Redis) is not in this build "
            "yet.\nThe services run today in the simulator: build/quickmart-sim run "
            "scenarios/auth_smoke.yaml\n");
  return exit_not_built;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty()) {
    print_err(usage_text);
    return exit_usage;
  }
  const std::string_view command = args.front();
  const std::vector<std::string_view> rest(args.begin() + 1, args.end());
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
  return usage_error("unknown command '" + std::string(command) + "'");
}
