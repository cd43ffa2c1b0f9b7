#pragma once
// The process's own numbers, read from /proc at every scrape by a registry collector:
// process_resident_memory_bytes, process_virtual_memory_bytes, process_cpu_seconds_total
// (a counter, moved up by what the kernel reports since the last scrape),
// process_start_time_seconds, process_open_fds and process_max_fds. Linux only: elsewhere,
// or when /proc cannot be read, the series keep their last values.

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/metrics/registry.hpp"

namespace qm::rt::asio {

struct process_sample {
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double cpu_seconds = 0;       // user + system
  double start_time_s = 0;      // unix seconds
  double open_fds = 0;
  double max_fds = 0;           // soft RLIMIT_NOFILE
};

// Parses the contents of /proc/self/stat: utime, stime (fields 14, 15), starttime (22, in
// clock ticks since boot) and vsize (23). nullopt for malformed text. A command name with
// spaces or parentheses is skipped by looking for the last ')'.
struct stat_fields {
  std::uint64_t utime_ticks = 0;
  std::uint64_t stime_ticks = 0;
  std::uint64_t start_ticks = 0;
  std::uint64_t vsize_bytes = 0;
};
std::optional<stat_fields> parse_proc_stat(std::string_view text);

// The process as /proc and getrlimit see it now; nullopt when /proc/self/stat cannot be read.
std::optional<process_sample> sample_process();

// Adds the collector to m (once per registry).
void install_process_metrics(metrics::registry& m);

}  // namespace qm::rt::asio
