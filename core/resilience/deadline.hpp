#pragma once
// Deadline propagation between services. A call that has 300 ms left must not let its
// upstream work for 2 s on its behalf: the caller will have given up, and the work, its
// retries and the upstream's own calls are wasted load on a system already short of it. So
// the remaining time travels with the request and each hop takes the smaller of its own
// timeout and what is left.
//
// It travels as a duration in milliseconds, not an absolute time: the clocks of two hosts
// differ (and the simulator skews them on purpose), while a duration only loses the transit
// time, which errs on the safe side. Formatting rounds down for the same reason. Parsing
// refuses anything but plain digits, and values above ten minutes, so a garbled or hostile
// header cannot grant a call unbounded time; a refused header means "use your own timeout".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/time.hpp"

namespace qm::resilience {

inline constexpr std::string_view deadline_header = "x-quickmart-deadline-ms";
inline constexpr duration max_propagated_remaining = seconds(600);

// Whole milliseconds, rounded down; negative becomes "0", above ten minutes becomes ten
// minutes (so that what one side formats the other always accepts).
std::string format_remaining(duration remaining);

// 1*DIGIT (optional surrounding spaces/tabs) of at most ten minutes; nullopt otherwise.
std::optional<duration> parse_remaining(std::string_view value);

// The deadline a handler works to: own (the server's request timeout), or sooner when the
// caller sent its remaining time in deadline_header (a malformed value is ignored).
time_point propagated_deadline(std::optional<std::string_view> header, time_point now,
                               time_point own);

// The shared grammar of numeric header values: optional spaces/tabs around 1*DIGIT, nothing
// else (no sign, no exponent). Saturates at `saturate_at` instead of overflowing, so a
// long run of digits is a large number, not an error; callers clamp or refuse above it.
std::optional<std::int64_t> parse_header_digits(std::string_view value, std::int64_t saturate_at);

// Spaces and tabs (HTTP's OWS) removed from both ends.
std::string_view trim_ows(std::string_view value);

}  // namespace qm::resilience
