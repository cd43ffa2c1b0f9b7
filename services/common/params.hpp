#pragma once
// Integers in paths and query strings, read the same way by every service: plain decimal digits
// only ("+5", " 5" and "5x" are refused rather than half-read), and a bad query parameter is an
// error naming it (a 400), never silently clamped: a client asking for limit=500 should learn
// the bound.

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/base/result.hpp"
#include "core/json/json.hpp"

namespace qm::services {

// Ids are chosen below 2^53 so that JSON clients keep them exact.
inline constexpr std::int64_t max_json_id = (std::int64_t{1} << 53) - 1;

// The value of 1..18 plain decimal digits, or nothing.
std::optional<std::int64_t> parse_decimal(std::string_view text);

// A positive id no larger than max from a path segment or parameter, or nothing.
std::optional<std::int64_t> parse_positive_id(std::string_view text, std::int64_t max);

// The integer query parameter name, fallback when absent; an error naming it unless it lies
// in [min, max].
result<std::int64_t, json::input_error> bounded_query_int(std::string_view query,
                                                          std::string_view name,
                                                          std::int64_t fallback, std::int64_t min,
                                                          std::int64_t max);

struct page_bounds {
  std::int64_t default_limit = 20;
  std::int64_t max_limit = 100;
  // Deep offsets cost a scan each; past this a client should narrow its filter instead.
  std::int64_t max_offset = 100'000;
};

struct page_params {
  std::int64_t limit = 0;
  std::int64_t offset = 0;
};

// ?limit=&offset=: limit 1..max_limit (default_limit when absent), offset 0..max_offset.
result<page_params, json::input_error> parse_page_params(std::string_view query,
                                                         const page_bounds& bounds);

}  // namespace qm::services
