// Process metrics from /proc (runtime/asio/process_metrics.hpp): the parser on known text,
// and the collector on this very process, whose numbers must be sane.

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <string>
#include <vector>

#include "core/metrics/registry.hpp"
#include "runtime/asio/process_metrics.hpp"

namespace qm::test {
namespace {

double value_of(const std::string& text, const std::string& name) {
  const std::string key = "\n" + name;
  auto at = ("\n" + text).find(key + " ");
  if (at == std::string::npos) {
    at = ("\n" + text).find(key + "{");
  }
  if (at == std::string::npos) {
    ADD_FAILURE() << name << " missing in\n" << text;
    return -1;
  }
  const auto line_end = text.find('\n', at);
  const std::string line = text.substr(at, line_end - at);
  return std::stod(line.substr(line.rfind(' ') + 1));
}

TEST(process_metrics, parses_proc_self_stat_even_with_odd_command_names) {
  // Fields 14/15 utime/stime, 22 starttime, 23 vsize; the command holds spaces and ')'.
  const std::string text =
      "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 3 0 "
      "123456 987654321 5000 18446744073709551615\n";
  const auto f = rt::asio::parse_proc_stat(text);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->utime_ticks, 250U);
  EXPECT_EQ(f->stime_ticks, 75U);
  EXPECT_EQ(f->start_ticks, 123456U);
  EXPECT_EQ(f->vsize_bytes, 987654321U);
  EXPECT_FALSE(rt::asio::parse_proc_stat("4242 (cmd) S 1 2").has_value());
  EXPECT_FALSE(rt::asio::parse_proc_stat("no parenthesis at all").has_value());
  EXPECT_FALSE(rt::asio::parse_proc_stat("1 (x) S 1 1 1 0 -1 0 0 0 0 0 abc 0 0 0 0 0 0 0 1 1 1").has_value());
}

TEST(process_metrics, this_process_is_sane) {
  const auto s = rt::asio::sample_process();
  ASSERT_TRUE(s.has_value());
  EXPECT_GT(s->resident_bytes, 1024.0 * 1024);          // a test binary holds over 1 MiB
  EXPECT_LT(s->resident_bytes, 64.0 * 1024 * 1024 * 1024);
  EXPECT_GE(s->virtual_bytes, s->resident_bytes);
  EXPECT_GE(s->cpu_seconds, 0.0);
  const double now_s = static_cast<double>(std::time(nullptr));
  EXPECT_LE(s->start_time_s, now_s + 1);
  EXPECT_GT(s->start_time_s, now_s - 24 * 3600.0);  // started within a day (the test run)
  EXPECT_GE(s->open_fds, 3.0);                        // stdin, stdout, stderr
  EXPECT_GE(s->max_fds, s->open_fds);
}

TEST(process_metrics, the_collector_fills_the_registry_at_each_scrape) {
  metrics::registry m;
  rt::asio::install_process_metrics(m);
  const std::string first = m.expose_text();
  for (const char* name : {"process_resident_memory_bytes", "process_virtual_memory_bytes",
                           "process_start_time_seconds", "process_open_fds", "process_max_fds",
                           "process_cpu_seconds_total"}) {
    EXPECT_GE(value_of(first, name), 0.0) << name;
  }
  EXPECT_NE(first.find("# TYPE process_cpu_seconds_total counter"), std::string::npos);
  EXPECT_NE(first.find("# TYPE process_resident_memory_bytes gauge"), std::string::npos);

  // Ten more descriptors are seen at the next scrape; CPU time burnt is counted, never less.
  std::vector<int> fds;
  for (int i = 0; i < 10; ++i) {
    fds.push_back(open("/dev/null", O_RDONLY));
  }
  // Burn 50 ms of CPU (bounded by 5 s of wall time on a busy machine).
  const std::clock_t cpu_start = std::clock();
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  volatile std::uint64_t spin = 0;
  while (std::clock() - cpu_start < CLOCKS_PER_SEC / 20 && std::chrono::steady_clock::now() < give_up) {
    spin = spin + 1;
  }
  const std::string second = m.expose_text();
  EXPECT_EQ(value_of(second, "process_open_fds"), value_of(first, "process_open_fds") + 10);
  EXPECT_GT(value_of(second, "process_cpu_seconds_total"), value_of(first, "process_cpu_seconds_total"));
  for (int fd : fds) {
    close(fd);
  }
}

}  // namespace
}  // namespace qm::test
