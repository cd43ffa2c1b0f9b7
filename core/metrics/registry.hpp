#pragma once
// The metrics registry: counters, gauges and histograms with bounded label sets, and their
// Prometheus text exposition (format 0.0.4).
//
// Thread-safe. Updating a series (inc, set, add, observe) is lock-free (series.hpp); finding or
// creating one (get_*), constant labels, collectors and reading (expose_text, summarize,
// series_count) take one mutex, since a series is created once and updated many times.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics/series.hpp"
#include "core/metrics/text_format.hpp"

namespace qm::metrics {

// One histogram series in numbers, for routes that answer in JSON rather than text.
struct histogram_summary {
  labels series;
  std::uint64_t count = 0;
  double sum = 0;
  double p50 = 0, p95 = 0, p99 = 0;
};

class registry {
 public:
  static constexpr std::size_t max_collectors = 32;

  // Each family holds at most max_series label sets; beyond that, updates go to one overflow
  // series labelled {overflow="true"} so an attacker cannot grow memory through labels.
  explicit registry(std::size_t max_series_per_family = 1000);

  // The returned series stays valid for the registry's life. Names must be valid Prometheus
  // names (asserted); a histogram's series all share the buckets of its first series.
  counter& get_counter(std::string_view name, std::string_view help, const labels& l = {});
  gauge& get_gauge(std::string_view name, std::string_view help, const labels& l = {});
  histogram& get_histogram(std::string_view name, std::string_view help, const labels& l = {},
                           const std::vector<double>& bounds = default_latency_buckets_s());

  // Labels written first on every series at exposition (service="gateway"); not part of any
  // series' identity. A series may not carry a label of the same name (asserted both ways).
  void set_constant_labels(labels l);
  // fn runs at the start of every expose_text() and summarize(), outside the registry's mutex
  // (so it may call get_*), to refresh gauges read at scrape time. Two scrapes at once run it
  // concurrently. At most max_collectors.
  void add_collector(std::function<void()> fn);

  // Prometheus text format 0.0.4, families sorted by name, series by labels. A histogram's
  // _count is its +Inf bucket, even while other threads observe.
  std::string expose_text() const;
  // The series of one histogram family in label order; empty if there is no such histogram.
  std::vector<histogram_summary> summarize(std::string_view family) const;
  std::size_t series_count() const;

 private:
  enum class kind { counter, gauge, histogram };
  struct series {
    std::string label_text;  // `k="v",...` rendered once, at creation
    std::unique_ptr<counter> c;
    std::unique_ptr<gauge> g;
    std::unique_ptr<histogram> h;
  };
  struct family {
    kind type;
    std::string help_text;              // escaped
    std::vector<double> bounds;         // histograms: every series' buckets
    std::vector<std::string> le_texts;  // histograms: `le="0.005"} ` per bucket, +Inf last
    std::size_t le_bytes;               // the longest of le_texts
    std::map<labels, series> members;
  };

  family& get_family(std::string_view name, kind k, std::string_view help, const std::vector<double>* bounds);
  series& get_series(family& f, const labels& l);
  void check_new_labels(const family& f, const labels& l) const;
  void run_collectors() const;
  void expose_family(text_writer& w, std::string& scratch, std::vector<std::uint64_t>& counts,
                     std::string_view name, const family& f) const;
  void put_head(text_writer& w, std::string_view name, std::string_view suffix, std::string_view own) const;

  mutable std::mutex mutex_;
  std::map<std::string, family, std::less<>> families_;
  std::size_t max_series_;
  labels constant_labels_;
  std::string constant_text_;  // `service="gateway"`, rendered once
  mutable std::size_t last_exposition_bytes_ = 0;

  // Written under mutex_, published by collector_count_; read without the mutex.
  std::array<std::function<void()>, max_collectors> collectors_;
  std::atomic<std::size_t> collector_count_{0};
};

}  // namespace qm::metrics
