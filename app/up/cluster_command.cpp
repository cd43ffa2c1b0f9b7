// `quickmart cluster status|stop|start`: operator control of a running `quickmart up` through
// DIR/run (see run_files.hpp). stop and start wait, bounded, for the result.

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "app/up/arguments.hpp"
#include "app/up/cluster_names.hpp"
#include "app/up/commands.hpp"
#include "app/up/run_files.hpp"

namespace qm::up {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;
constexpr auto poll_interval = std::chrono::milliseconds(100);

// "ready 1234\n" -> {"ready", "1234"}.
std::pair<std::string, std::string> read_state(const run_files& files, std::string_view name) {
  const auto text = read_small_file(files.state(name));
  if (!text) {
    return {};
  }
  const auto space = text->find(' ');
  const auto end = text->find('\n');
  if (space == std::string::npos) {
    return {};
  }
  return {text->substr(0, space), text->substr(space + 1, end == std::string::npos ? std::string::npos : end - space - 1)};
}

int print_status(const run_files& files) {
  for (const auto& n : all_child_names()) {
    const auto [state, pid] = read_state(files, n.name);
    if (!state.empty()) {
      std::printf("%-13s %-9s %s\n", std::string(n.name).c_str(), state.c_str(), pid.c_str());
    }
  }
  return exit_ok;
}

}  // namespace

int run_cluster(const std::vector<std::string>& args) {
  auto parsed = parse_cluster_arguments(args);
  if (!parsed) {
    std::fprintf(stderr, "quickmart cluster: %s\n(see quickmart cluster --help)\n", parsed.error().c_str());
    return exit_usage;
  }
  const cluster_options& o = *parsed;
  if (o.help) {
    const auto help = cluster_help_text();
    std::fwrite(help.data(), 1, help.size(), stdout);
    return exit_ok;
  }
  const run_files files{absolute_dir(o.data_dir)};
  const auto up_pid = running_up_pid(files);
  if (!up_pid) {
    std::fprintf(stderr, "quickmart cluster: no quickmart up runs on %s\n", files.data_dir.c_str());
    return exit_failed;
  }
  if (o.action == cluster_action::status) {
    return print_status(files);
  }
  if (read_state(files, o.name).first.empty()) {
    std::fprintf(stderr, "quickmart cluster: %s is not part of the cluster on %s\n", o.name.c_str(),
                 files.data_dir.c_str());
    return exit_failed;
  }
  const bool stopping = o.action == cluster_action::stop;
  if (stopping) {
    if (!write_file_atomically(files.held(o.name), "held\n", 0644)) {
      std::fprintf(stderr, "quickmart cluster: cannot write %s\n", files.held(o.name).c_str());
      return exit_failed;
    }
  } else {
    ::unlink(files.held(o.name).c_str());
  }
  ::kill(*up_pid, SIGUSR1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(o.timeout_s);
  for (;;) {
    const auto [state, pid] = read_state(files, o.name);
    const bool done = stopping ? state == "stopped" && !file_exists(files.pid(o.name)) : state == "ready";
    if (done) {
      std::printf("%s %s\n", o.name.c_str(), state.c_str());
      return exit_ok;
    }
    if (!running_up_pid(files)) {
      std::fprintf(stderr, "quickmart cluster: quickmart up stopped while waiting for %s\n", o.name.c_str());
      return exit_failed;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      std::fprintf(stderr, "quickmart cluster: %s is still %s after %d s (see %s/logs/%s.log)\n", o.name.c_str(),
                   state.empty() ? "unknown" : state.c_str(), o.timeout_s, files.data_dir.c_str(), o.name.c_str());
      return exit_failed;
    }
    std::this_thread::sleep_for(poll_interval);
  }
}

}  // namespace qm::up
