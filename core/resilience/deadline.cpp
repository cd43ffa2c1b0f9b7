#include "core/resilience/deadline.hpp"

#include <algorithm>
#include <chrono>

#include "core/base/assert.hpp"

namespace qm::resilience {

std::string_view trim_ows(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
    value.remove_prefix(1);
  }
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
    value.remove_suffix(1);
  }
  return value;
}

std::optional<std::int64_t> parse_header_digits(std::string_view value, std::int64_t saturate_at) {
  QM_ASSERT(saturate_at > 0);
  value = trim_ows(value);
  if (value.empty()) {
    return std::nullopt;
  }
  std::int64_t result = 0;
  for (const char c : value) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    const std::int64_t digit = c - '0';
    // result stays <= saturate_at, and result * 10 + digit is only computed when it fits.
    if (digit > saturate_at || result > (saturate_at - digit) / 10) {
      result = saturate_at;
    } else {
      result = result * 10 + digit;
    }
  }
  return result;
}

std::string format_remaining(duration remaining) {
  const duration clamped = std::clamp(remaining, duration::zero(), max_propagated_remaining);
  return std::to_string(std::chrono::floor<std::chrono::milliseconds>(clamped).count());
}

std::optional<duration> parse_remaining(std::string_view value) {
  const std::int64_t max_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(max_propagated_remaining).count();
  const auto parsed = parse_header_digits(value, max_ms + 1);
  if (!parsed || *parsed > max_ms) {
    return std::nullopt;
  }
  return ms(*parsed);
}

time_point propagated_deadline(std::optional<std::string_view> header, time_point now,
                               time_point own) {
  if (!header) {
    return own;
  }
  const auto remaining = parse_remaining(*header);
  if (!remaining) {
    return own;
  }
  const time_point theirs = now + *remaining;
  return theirs < own ? theirs : own;
}

}  // namespace qm::resilience
