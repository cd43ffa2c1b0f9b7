#include "runtime/asio/process_metrics.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

namespace qm::rt::asio {

namespace {

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) {
    return std::nullopt;
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

// Field n (1-based, as proc(5) numbers them) of a whitespace-separated line starting at
// field first_n.
std::optional<std::string_view> field(std::string_view rest, int first_n, int n) {
  int at = first_n;
  std::size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && rest[i] == ' ') {
      ++i;
    }
    const std::size_t start = i;
    while (i < rest.size() && rest[i] != ' ' && rest[i] != '\n') {
      ++i;
    }
    if (start == i) {
      break;
    }
    if (at == n) {
      return rest.substr(start, i - start);
    }
    ++at;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> boot_time_s() {
  const auto text = read_file("/proc/stat");
  if (!text) {
    return std::nullopt;
  }
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("btime ", 0) == 0) {
      std::uint64_t v = 0;
      if (parse_u64(std::string_view(line).substr(6), v)) {
        return v;
      }
    }
  }
  return std::nullopt;
}

double open_fd_count() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) {
    return 0;
  }
  double n = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') {
      ++n;
    }
  }
  closedir(dir);
  return n - 1;  // the descriptor reading the directory is not the process's own
}

}  // namespace

std::optional<stat_fields> parse_proc_stat(std::string_view text) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted
  // from the last ')'; the state is field 3.
  const auto close = text.rfind(')');
  if (close == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view rest = text.substr(close + 1);
  stat_fields out;
  const std::pair<int, std::uint64_t*> wanted[] = {
      {14, &out.utime_ticks}, {15, &out.stime_ticks}, {22, &out.start_ticks}, {23, &out.vsize_bytes}};
  for (const auto& [n, target] : wanted) {
    const auto f = field(rest, 3, n);
    if (!f || !parse_u64(*f, *target)) {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<process_sample> sample_process() {
  const auto stat_text = read_file("/proc/self/stat");
  const auto statm_text = read_file("/proc/self/statm");
  if (!stat_text || !statm_text) {
    return std::nullopt;
  }
  const auto stat = parse_proc_stat(*stat_text);
  const auto resident_pages = field(*statm_text, 1, 2);
  std::uint64_t pages = 0;
  if (!stat || !resident_pages || !parse_u64(*resident_pages, pages)) {
    return std::nullopt;
  }
  const double ticks_per_s = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_bytes = static_cast<double>(sysconf(_SC_PAGESIZE));
  process_sample s;
  s.resident_bytes = static_cast<double>(pages) * page_bytes;
  s.virtual_bytes = static_cast<double>(stat->vsize_bytes);
  s.cpu_seconds = static_cast<double>(stat->utime_ticks + stat->stime_ticks) / ticks_per_s;
  if (const auto boot = boot_time_s()) {
    s.start_time_s = static_cast<double>(*boot) + static_cast<double>(stat->start_ticks) / ticks_per_s;
  }
  s.open_fds = open_fd_count();
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    s.max_fds = static_cast<double>(limit.rlim_cur);
  }
  return s;
}

void install_process_metrics(metrics::registry& m) {
  struct state {
    explicit state(metrics::registry& r) : m(r) {}
    metrics::registry& m;
    std::mutex mutex;  // two scrapes at once run the collector concurrently
    double cpu_reported_s = 0;
  };
  auto st = std::make_shared<state>(m);
  m.add_collector([st] {
    const auto s = sample_process();
    if (!s) {
      return;
    }
    metrics::registry& r = st->m;
    r.get_gauge("process_resident_memory_bytes", "Resident memory size in bytes.").set(s->resident_bytes);
    r.get_gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.").set(s->virtual_bytes);
    r.get_gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.")
        .set(s->start_time_s);
    r.get_gauge("process_open_fds", "Number of open file descriptors.").set(s->open_fds);
    r.get_gauge("process_max_fds", "Maximum number of open file descriptors.").set(s->max_fds);
    // A counter moves only up: by what the kernel added since the last scrape.
    metrics::counter& cpu = r.get_counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
    std::lock_guard lock(st->mutex);
    if (s->cpu_seconds > st->cpu_reported_s) {
      cpu.inc(s->cpu_seconds - st->cpu_reported_s);
      st->cpu_reported_s = s->cpu_seconds;
    }
  });
}

}  // namespace qm::rt::asio
