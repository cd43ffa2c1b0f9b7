#pragma once
// Time as the project sees it: microseconds on a wall-clock scale. In simulation the values
// are virtual; in production they come from the runtime's clock. Code outside runtime/ and
// sim/ never reads a real clock.

#include <chrono>
#include <cstdint>

namespace qm {

using duration = std::chrono::microseconds;
using time_point = std::chrono::sys_time<std::chrono::microseconds>;

inline constexpr duration ms(std::int64_t n) { return std::chrono::milliseconds(n); }
inline constexpr duration seconds(std::int64_t n) { return std::chrono::seconds(n); }

inline std::int64_t to_unix_seconds(time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline std::int64_t to_unix_us(time_point t) { return t.time_since_epoch().count(); }
inline time_point from_unix_us(std::int64_t us) { return time_point(duration(us)); }

}  // namespace qm
