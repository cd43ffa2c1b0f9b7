#pragma once
// The metrics registry: counters, gauges and histograms with bounded label sets, and their
// Prometheus text exposition (format 0.0.4). Single-threaded by contract: a process updates
// it from its event loop (or the simulator's one thread).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace qm::metrics {

using labels = std::vector<std::pair<std::string, std::string>>;

class counter {
 public:
  void inc(double by = 1.0);
  double value() const { return value_; }

 private:
  double value_ = 0;
};

class gauge {
 public:
  void set(double v) { value_ = v; }
  void add(double by) { value_ += by; }
  double value() const { return value_; }

 private:
  double value_ = 0;
};

class histogram {
 public:
  explicit histogram(std::vector<double> upper_bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then +Inf last.
  std::vector<std::uint64_t> cumulative() const;
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  // Estimate of quantile q in [0,1] by linear interpolation inside the bucket.
  double quantile(double q) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> buckets_;  // non-cumulative; one extra for +Inf
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

// Default latency buckets in seconds: 1 ms .. 10 s.
std::vector<double> default_latency_buckets_s();

class registry {
 public:
  // Each family holds at most max_series label sets; beyond that, updates go to one overflow
  // series labelled {overflow="true"} so an attacker cannot grow memory through labels.
  explicit registry(std::size_t max_series_per_family = 1000);

  counter& get_counter(std::string_view name, std::string_view help, const labels& l = {});
  gauge& get_gauge(std::string_view name, std::string_view help, const labels& l = {});
  histogram& get_histogram(std::string_view name, std::string_view help, const labels& l = {},
                           const std::vector<double>& bounds = default_latency_buckets_s());

  // Prometheus text format 0.0.4, families sorted by name, series by labels.
  std::string expose_text() const;
  std::size_t series_count() const;

 private:
  enum class kind { counter, gauge, histogram };
  struct family {
    kind type;
    std::string help;
    std::vector<double> bounds;
    std::map<labels, std::unique_ptr<counter>> counters;
    std::map<labels, std::unique_ptr<gauge>> gauges;
    std::map<labels, std::unique_ptr<histogram>> histograms;
    std::size_t size() const { return counters.size() + gauges.size() + histograms.size(); }
  };
  family& get_family(std::string_view name, kind k, std::string_view help);
  labels admit(const family& f, const labels& l, bool exists) const;

  std::map<std::string, family, std::less<>> families_;
  std::size_t max_series_;
};

}  // namespace qm::metrics
