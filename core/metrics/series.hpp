#pragma once
// One series each: counter, gauge, histogram. Updates are lock-free (relaxed atomics) so any
// thread may update a series the registry handed out; reads sum the shards and may see an
// update half applied (a histogram's sum without its bucket), never a torn number.
//
// Why per-thread shards and an integer. CPU ns per increment on the 2-core AMD EPYC VM, -O2,
// the loops of bench/core/bench_metrics.cpp (BM_reference_*, BM_counter_inc) on a quiet box:
//   one shared std::atomic<double>, fetch_add (a CAS loop):   5.9 on 1 thread, 65 with 2 threads
//   one shared std::atomic<uint64_t>, fetch_add (lock xadd):  2.9 on 1 thread, 27 with 2 threads
//   a 64-byte std::atomic<double> shard per thread:           5.9 on 1 thread, 5.9 with 2 or 4
// and this file (a shard per thread, integral steps in an integer): 2.9-3.1 on 1 thread and
// 2.5-3.3 with 2 or 4 (measured on a busy box). A shared atomic collapses under contention
// because its cache line bounces between cores, so each thread updates a line of its own; there
// is no atomic add for a double, so the usual inc() counts in an integer to stay under 5 ns.
// Shards are handed out round robin per thread and still updated with atomic read-modify-writes,
// so more threads than shards stay exact, only slower. A scrape sums the shards.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/base/assert.hpp"

namespace qm::metrics {

namespace detail {

inline constexpr std::size_t cache_line_bytes = 64;
// A process has one event loop and a small storage worker pool, so 4 lines per series keeps
// those threads apart without making 1,000 series cost more than a quarter megabyte.
inline constexpr std::size_t shard_count = 4;
// Below 2^53 every integer is a double, so an integral step converts to an integer exactly.
inline constexpr double exact_integer_limit = 9007199254740992.0;

// The next shard in round-robin order; called once per thread.
std::size_t assign_shard();

inline thread_local std::size_t this_thread_shard = shard_count;  // shard_count: not yet assigned

inline std::size_t current_shard() {
  std::size_t s = this_thread_shard;
  if (s == shard_count) [[unlikely]] {
    s = assign_shard();
    this_thread_shard = s;
  }
  return s;
}

}  // namespace detail

class counter {
 public:
  void inc(double by = 1.0) {
    QM_ASSERT_MSG(by >= 0, "a counter only goes up");
    shard& s = shards_[detail::current_shard()];
    if (by < detail::exact_integer_limit) {
      const auto whole = static_cast<std::uint64_t>(by);
      if (static_cast<double>(whole) == by) {
        s.whole.fetch_add(whole, std::memory_order_relaxed);
        return;
      }
    }
    s.fraction.fetch_add(by, std::memory_order_relaxed);
  }
  double value() const;

 private:
  struct alignas(detail::cache_line_bytes) shard {
    std::atomic<std::uint64_t> whole{0};  // integral steps, exact
    std::atomic<double> fraction{0};      // the other steps
  };
  std::array<shard, detail::shard_count> shards_{};
};

// Not sharded: set() must replace the whole value at once. Gauges are set far more than added to.
class alignas(detail::cache_line_bytes) gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class histogram {
 public:
  explicit histogram(std::vector<double> upper_bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then +Inf last.
  std::vector<std::uint64_t> cumulative() const;
  // The number of observations: the sum of the buckets, so it always equals the +Inf bucket.
  std::uint64_t count() const;
  double sum() const;
  // Estimate of quantile q in [0,1] by linear interpolation inside the bucket.
  double quantile(double q) const;

  // One reading of every shard: cumulative counts into `cumulative` (bounds().size() + 1 slots,
  // +Inf last), the sum returned. The exposition reuses one buffer for every series.
  double read(std::span<std::uint64_t> cumulative) const;

 private:
  // A shard's cells: [0] the sum (bits of a double), [1 + i] bucket i (+Inf last).
  struct alignas(detail::cache_line_bytes) line {
    std::array<std::atomic<std::uint64_t>, detail::cache_line_bytes / sizeof(std::uint64_t)> cells{};
  };
  std::atomic<std::uint64_t>& cell(std::size_t shard, std::size_t i) const;

  std::vector<double> bounds_;
  std::size_t lines_per_shard_;
  std::unique_ptr<line[]> lines_;
  // Bit s: shard s was ever written. Reads skip the others, so a histogram only one thread
  // observes costs a scrape two cache lines, not eight. Set once per thread, read-shared after.
  std::atomic<std::uint32_t> used_shards_{0};
};

// Quantile q of a histogram read as cumulative counts (+Inf last), interpolated linearly inside
// the bucket that holds the rank; the +Inf bucket reports the highest bound.
double quantile_of(std::span<const double> bounds, std::span<const std::uint64_t> cumulative, double q);

// Default latency buckets in seconds: 1 ms .. 10 s.
std::vector<double> default_latency_buckets_s();

}  // namespace qm::metrics
