#pragma once
// Backoff between retries of one call. Without jitter, every client that failed at the same
// moment retries at the same moment, and the upstream that just fell over meets the whole
// herd again on each round; jitter spreads them out. Two variants, after AWS's "Exponential
// Backoff And Jitter": full jitter (uniform below an exponential ceiling) spreads the most;
// decorrelated jitter grows from the previous delay and never drops below `base`, for
// upstreams that need a minimum pause.
//
// Pure: the caller draws the random 64-bit value (rt::random in services, a seeded stream in
// simulation), so the same seed gives the same delays. One backoff object per retried call:
// it remembers how many retries that call made and its previous delay.

#include <cstdint>
#include <optional>
#include <string>

#include "core/base/time.hpp"

namespace qm::resilience {

enum class jitter_kind : std::uint8_t { full, decorrelated };

// The largest cap validate() accepts: a retry delay longer than this is an outage, not a pause.
inline constexpr duration max_backoff_cap = seconds(600);

struct backoff_config {
  duration base = ms(50);
  duration cap = seconds(2);
  jitter_kind jitter = jitter_kind::full;
};

// nullopt when usable; otherwise what is wrong (0 < base <= cap <= max_backoff_cap).
std::optional<std::string> validate(const backoff_config& config);

class backoff {
 public:
  explicit backoff(const backoff_config& config);

  // The delay before the next retry; advances the state. full: uniform in
  // [0, min(cap, base * 2^n)] where n is the number of earlier next() calls (saturating, so
  // any n is safe); decorrelated: min(cap, uniform in [base, previous * 3]).
  duration next(std::uint64_t random_u64);

  std::uint32_t retries() const { return retries_; }

 private:
  duration full_ceiling() const;

  backoff_config config_;
  std::uint32_t retries_ = 0;
  duration previous_;
};

// A value uniform in [low, high] drawn from one random 64-bit value (no <random>: its
// distributions differ between standard libraries, and the simulation must not).
duration uniform_between(duration low, duration high, std::uint64_t random_u64);

}  // namespace qm::resilience
