#include "core/metrics/series.hpp"

#include <algorithm>
#include <bit>

namespace qm::metrics {

namespace detail {
std::size_t assign_shard() {
  static std::atomic<std::size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed) % shard_count;
}
}  // namespace detail

double counter::value() const {
  std::uint64_t whole = 0;
  double fraction = 0;
  for (const shard& s : shards_) {
    whole += s.whole.load(std::memory_order_relaxed);
    fraction += s.fraction.load(std::memory_order_relaxed);
  }
  return static_cast<double>(whole) + fraction;
}

static_assert(detail::shard_count <= 32, "histogram::used_shards_ has one bit per shard");

histogram::histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  QM_ASSERT(std::is_sorted(bounds_.begin(), bounds_.end()));
  constexpr std::size_t cells_per_line = std::tuple_size_v<decltype(line::cells)>;
  const std::size_t cells = 1 + bounds_.size() + 1;  // sum, buckets, +Inf
  lines_per_shard_ = (cells + cells_per_line - 1) / cells_per_line;
  lines_ = std::make_unique<line[]>(lines_per_shard_ * detail::shard_count);
}

std::atomic<std::uint64_t>& histogram::cell(std::size_t shard, std::size_t i) const {
  constexpr std::size_t cells_per_line = std::tuple_size_v<decltype(line::cells)>;
  return lines_[shard * lines_per_shard_ + i / cells_per_line].cells[i % cells_per_line];
}

void histogram::observe(double v) {
  const auto bucket = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  const std::size_t shard = detail::current_shard();
  const std::uint32_t shard_bit = std::uint32_t{1} << shard;
  if ((used_shards_.load(std::memory_order_relaxed) & shard_bit) == 0) [[unlikely]] {
    used_shards_.fetch_or(shard_bit, std::memory_order_relaxed);
  }
  cell(shard, 1 + bucket).fetch_add(1, std::memory_order_relaxed);
  // No atomic add for a double held as bits: a CAS loop, uncontended on this thread's shard.
  std::atomic<std::uint64_t>& sum = cell(shard, 0);
  std::uint64_t old_bits = sum.load(std::memory_order_relaxed);
  while (!sum.compare_exchange_weak(old_bits, std::bit_cast<std::uint64_t>(std::bit_cast<double>(old_bits) + v),
                                    std::memory_order_relaxed)) {
  }
}

double histogram::read(std::span<std::uint64_t> cumulative) const {
  QM_ASSERT(cumulative.size() == bounds_.size() + 1);
  std::fill(cumulative.begin(), cumulative.end(), 0);
  double total = 0;
  const std::uint32_t used = used_shards_.load(std::memory_order_relaxed);
  for (std::size_t s = 0; s < detail::shard_count; ++s) {
    if ((used & (std::uint32_t{1} << s)) == 0) {
      continue;
    }
    total += std::bit_cast<double>(cell(s, 0).load(std::memory_order_relaxed));
    for (std::size_t i = 0; i < cumulative.size(); ++i) {
      cumulative[i] += cell(s, 1 + i).load(std::memory_order_relaxed);
    }
  }
  std::uint64_t running = 0;
  for (std::uint64_t& c : cumulative) {
    running += c;
    c = running;
  }
  return total;
}

std::vector<std::uint64_t> histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  read(out);
  return out;
}

std::uint64_t histogram::count() const {
  std::uint64_t n = 0;
  for (std::size_t s = 0; s < detail::shard_count; ++s) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
      n += cell(s, 1 + i).load(std::memory_order_relaxed);
    }
  }
  return n;
}

double histogram::sum() const {
  double total = 0;
  for (std::size_t s = 0; s < detail::shard_count; ++s) {
    total += std::bit_cast<double>(cell(s, 0).load(std::memory_order_relaxed));
  }
  return total;
}

double histogram::quantile(double q) const {
  return quantile_of(bounds_, cumulative(), q);
}

double quantile_of(std::span<const double> bounds, std::span<const std::uint64_t> cumulative, double q) {
  QM_ASSERT(cumulative.size() == bounds.size() + 1);
  const std::uint64_t count = cumulative.back();
  const double highest = bounds.empty() ? 0 : bounds.back();
  if (count == 0) {
    return 0;
  }
  const double rank = q * static_cast<double>(count);
  for (std::size_t i = 0; i < cumulative.size(); ++i) {
    const std::uint64_t before = i == 0 ? 0 : cumulative[i - 1];
    const std::uint64_t in_bucket = cumulative[i] - before;
    if (static_cast<double>(cumulative[i]) >= rank && in_bucket > 0) {
      if (i == bounds.size()) {
        return highest;  // +Inf bucket: the best we can say
      }
      const double lo = i == 0 ? 0 : bounds[i - 1];
      const double hi = bounds[i];
      const double within = (rank - static_cast<double>(before)) / static_cast<double>(in_bucket);
      return lo + (hi - lo) * std::clamp(within, 0.0, 1.0);
    }
  }
  return highest;
}

std::vector<double> default_latency_buckets_s() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace qm::metrics
