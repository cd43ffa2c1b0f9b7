#pragma once
// A retry budget per upstream. Per-call attempt limits alone multiply load when the
// upstream is sick: with three attempts every caller sends up to three times its traffic at
// the moment the upstream can least take it, and the chain of services amplifies that again.
// A budget caps retries at a fraction of recent first attempts (after Finagle's RetryBudget
// and gRPC's retry throttling), so a healthy upstream still sees the occasional retry while a
// failing one sees at most `ratio` extra load. The floor (min_retries_per_s) keeps a
// low-traffic caller able to retry at all.
//
// The window slides by whole seconds: a ring of window_s one-second buckets, allocated once,
// with running totals so each call costs O(1) amortised. The guarantee holds at the moment a
// retry is granted: retries in the trailing window (that one included) <= ratio * requests in
// the same window + min_retries_per_s * window_s. Time that runs backwards (a skewed clock)
// is counted in the newest bucket rather than rewriting history.
//
// Not thread-safe: one per upstream per event loop, like everything in core/.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/time.hpp"

namespace qm::resilience {

struct retry_budget_config {
  double ratio = 0.2;                   // retries allowed per first attempt, in [0, 1]
  std::int32_t min_retries_per_s = 3;   // floor, in [0, 10000]
  std::int32_t window_s = 10;           // in [1, 600]
};

// nullopt when usable; otherwise what is wrong.
std::optional<std::string> validate(const retry_budget_config& config);

class retry_budget {
 public:
  explicit retry_budget(const retry_budget_config& config);

  // Every first attempt of a call.
  void on_request(time_point now);
  // A retry about to start: true (and counted) when within the budget, else false (counted
  // in exhausted()).
  bool try_spend(time_point now);

  std::uint64_t exhausted() const { return exhausted_; }
  // Totals of the trailing window as of the latest time seen.
  std::uint64_t requests_in_window() const { return requests_total_; }
  std::uint64_t retries_in_window() const { return retries_total_; }

 private:
  struct bucket {
    std::int64_t second = 0;  // the unix second it counts; stale once outside the window
    std::uint64_t requests = 0;
    std::uint64_t retries = 0;
  };

  bucket& advance_to(time_point now);
  void clear(bucket& b);

  retry_budget_config config_;
  double floor_ = 0;
  std::vector<bucket> ring_;  // window_s buckets, indexed by second mod window_s
  std::int64_t newest_second_ = 0;
  std::uint64_t requests_total_ = 0;
  std::uint64_t retries_total_ = 0;
  std::uint64_t exhausted_ = 0;
};

}  // namespace qm::resilience
