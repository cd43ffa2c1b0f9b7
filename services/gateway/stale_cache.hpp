#pragma once
// The catalogue fallback: the gateway remembers recent successful answers to the open
// catalogue reads (GET /products, /products/{id}, /categories) and, while the product service
// cannot answer (no reply, a 5xx, its breaker open), serves the remembered answer instead of
// an error, marked so clients and tests can tell:
//
//   X-Quickmart-Fallback: stale-cache
//   Age: <seconds since it was fresh>
//   Warning: 110 - "Response is Stale"
//
// Browsing keeps working through a product outage; prices and stock may be out of date,
// which is acceptable for a listing (checkout re-prices and reserves through product itself).
//
// Bounded three ways: entries (the oldest goes first; an attacker's random query strings can
// only push out other entries), body size (large answers are not kept) and age (an answer
// older than max_stale is never served).

#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/time.hpp"
#include "core/http/message.hpp"

namespace qm::gateway {

inline constexpr std::string_view fallback_header = "X-Quickmart-Fallback";

struct stale_cache_settings {
  std::size_t max_entries = 1000;         // stale_cache_entries (0: no cache)
  std::size_t max_body_bytes = 256 * 1024;
  duration max_stale = seconds(300);      // stale_cache_max_age_s
};

class stale_cache {
 public:
  explicit stale_cache(stale_cache_settings s);

  // Remembers a 200 answer to target (path and query) received at now.
  void remember(const std::string& target, const http::response& r, time_point now);
  // The remembered answer to target, marked stale, if it is not older than max_stale.
  std::optional<http::response> stale(std::string_view target, time_point now) const;

  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    http::response answer;
    time_point fresh_at{};
  };
  stale_cache_settings settings_;
  std::map<std::string, entry, std::less<>> entries_;
  std::deque<std::string> order_;  // insertion order, oldest first; same keys as entries_
};

}  // namespace qm::gateway
