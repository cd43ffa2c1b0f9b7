// quickmart-sim: runs scenario files in the deterministic simulator.
//
//   quickmart-sim run FILE [--seed N] [--trace OUT] [--logs OUT] [--quiet]
//
// Exit codes: 0 every check held, 1 a check failed (the replay command is printed),
// 2 a bad scenario file or bad usage. The last line is always `trace-hash: <hex>` for a run.

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/runner.hpp"
#include "sim/scenario/steps.hpp"

namespace {

constexpr int exit_pass = 0;
constexpr int exit_check_failed = 1;
constexpr int exit_usage = 2;

const char* const usage_text =
    "usage: quickmart-sim run FILE [--seed N] [--trace OUT] [--logs OUT] [--quiet]\n"
    "       quickmart-sim --help\n"
    "\n"
    "Runs the scenario in FILE in the deterministic simulator and prints a summary:\n"
    "requests by outcome, latency percentiles in virtual time, faults applied and checks.\n"
    "\n"
    "  --seed N     use seed N instead of the scenario's own (a failing run prints its seed)\n"
    "  --trace OUT  write every trace event, one per line, to OUT\n"
    "  --logs OUT   write the services' log lines (JSON, virtual time) to OUT, as production\n"
    "               would have written them, in the order they happened\n"
    "  --quiet      print only failed checks and the trace hash\n"
    "\n"
    "Exit codes: 0 all checks held, 1 a check failed, 2 bad scenario file or usage.\n"
    "The last line of a run is `trace-hash: <hex>`: same scenario + same seed = same hash.\n";

struct cli_options {
  std::string file;
  std::optional<std::uint64_t> seed;
  std::string trace_out;
  std::string logs_out;
  bool quiet = false;
};

int usage_error(const std::string& message) {
  std::cerr << "quickmart-sim: " << message << "\n\n" << usage_text;
  return exit_usage;
}

std::optional<std::uint64_t> parse_seed(const std::string& s) {
  if (s.empty() || s.size() > 20 || s.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0') {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(v);
}

std::string shell_quote(const std::string& s) {
  if (s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=") ==
      std::string::npos) {
    return s;
  }
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

// The JSON of every "<t_us> <node> log <json>" trace line, one per line.
bool write_logs(const std::vector<std::string>& trace_lines, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const auto& line : trace_lines) {
    const auto node_end = line.find(' ', line.find(' ') + 1);
    if (node_end == std::string::npos || line.compare(node_end, 5, " log ") != 0) {
      continue;
    }
    out.write(line.data() + node_end + 5, static_cast<std::streamsize>(line.size() - node_end - 5));
    out << '\n';
  }
  return static_cast<bool>(out);
}

int run(const cli_options& o) {
  auto loaded = qm::sim::load_scenario_file(o.file);
  if (!loaded) {
    std::cerr << "quickmart-sim: " << loaded.error().message << "\n";
    return exit_usage;
  }
  qm::sim::run_options ro;
  ro.seed = o.seed;
  ro.keep_trace_lines = !o.trace_out.empty() || !o.logs_out.empty();
  const auto report = qm::sim::run_scenario(loaded.value(), ro);

  if (!o.trace_out.empty()) {
    std::ofstream out(o.trace_out, std::ios::binary | std::ios::trunc);
    for (const auto& line : report.trace_lines) {
      out << line << '\n';
    }
    if (!out) {
      std::cerr << "quickmart-sim: cannot write the trace to " << o.trace_out << "\n";
      return exit_usage;
    }
  }
  if (!o.logs_out.empty() && !write_logs(report.trace_lines, o.logs_out)) {
    std::cerr << "quickmart-sim: cannot write the logs to " << o.logs_out << "\n";
    return exit_usage;
  }
  if (!o.quiet) {
    std::cout << report.summary;
    const double compression = report.wall_seconds > 0 ? report.virtual_seconds / report.wall_seconds : 0;
    std::printf("wall: %.3f s, events: %llu, time compression: %.1fx", report.wall_seconds,
                static_cast<unsigned long long>(report.events), compression);
    const std::uint64_t checkouts = report.requests_by_step.at(qm::sim::step_checkout);
    if (checkouts > 0 && report.wall_seconds > 0) {
      std::printf(", checkouts: %llu, checkouts per wall second: %.0f",
                  static_cast<unsigned long long>(checkouts),
                  static_cast<double>(checkouts) / report.wall_seconds);
    }
    std::printf("\n");
  } else {
    for (const auto& c : report.checks) {
      if (!c.passed) {
        std::cout << "FAIL " << c.name << " (line " << c.line << "): " << c.detail << "\n";
      }
    }
  }
  if (!report.all_passed) {
    std::cout << "replay: quickmart-sim run " << shell_quote(o.file) << " --seed " << report.seed << "\n";
  }
  std::cout << "trace-hash: " << report.trace_hash << std::endl;
  return report.all_passed ? exit_pass : exit_check_failed;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    return usage_error("a command is required");
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::cout << usage_text;
    return exit_pass;
  }
  if (args[0] != "run") {
    return usage_error("unknown command '" + args[0] + "'");
  }
  cli_options o;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    const bool has_value = i + 1 < args.size();
    if (a == "--seed") {
      if (!has_value) {
        return usage_error("--seed needs a value");
      }
      o.seed = parse_seed(args[++i]);
      if (!o.seed) {
        return usage_error("--seed must be a non-negative integer below 2^64, got '" + args[i] + "'");
      }
    } else if (a == "--trace") {
      if (!has_value) {
        return usage_error("--trace needs a file name");
      }
      o.trace_out = args[++i];
    } else if (a == "--logs") {
      if (!has_value) {
        return usage_error("--logs needs a file name");
      }
      o.logs_out = args[++i];
    } else if (a == "--quiet") {
      o.quiet = true;
    } else if (a == "--help" || a == "-h") {
      std::cout << usage_text;
      return exit_pass;
    } else if (!a.empty() && a[0] == '-') {
      return usage_error("unknown option '" + a + "'");
    } else if (o.file.empty()) {
      o.file = a;
    } else {
      return usage_error("only one scenario file per run (got '" + o.file + "' and '" + a + "')");
    }
  }
  if (o.file.empty()) {
    return usage_error("run needs a scenario FILE");
  }
  return run(o);
}
