#pragma once
// What a sliding-window rate-limit decision says, whoever made it (the in-memory limiter, the
// simulator's kv or the Lua script in Redis). Shared so every backend answers the same shape.
//
// The algorithm (an exact sliding log of admitted requests):
//   - drop every admitted timestamp t with t <= now - window;
//   - if fewer than limit remain, admit and append now, remaining = limit - count - 1;
//     otherwise refuse, remaining = 0;
//   - reset_after = (oldest timestamp still in the log) + window - now: when one slot frees.
// A refused request is not recorded, so a key's log never holds more than limit entries.

#include <cstdint>
#include <string>

#include "core/base/time.hpp"

namespace qm::ratelimit {

struct window_hit {
  std::string key;      // already namespaced by the caller ("rl:general:user:42")
  std::int64_t limit = 0;  // > 0
  duration window{0};      // > 0
  time_point now{};
};

struct verdict {
  bool allowed = false;
  std::int64_t limit = 0;
  std::int64_t remaining = 0;  // after this decision
  duration reset_after{0};     // until the oldest admitted request leaves the window (>= 0)
};

}  // namespace qm::ratelimit
