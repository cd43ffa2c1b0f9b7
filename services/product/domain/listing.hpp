#pragma once
// The query of GET /products, read and checked from the query string, and the LIKE pattern
// its search term becomes. Bad values are errors naming the parameter (a 400), never
// silently clamped: a client asking for limit=500 should learn the bound.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/json/json.hpp"

namespace qm::product {

inline constexpr std::int64_t default_limit = 20;
inline constexpr std::int64_t max_limit = 100;
// Deep offsets cost a scan each; past this a client should narrow its filter instead.
inline constexpr std::int64_t max_offset = 100'000;
inline constexpr std::size_t max_search_bytes = 100;

struct listing_query {
  std::optional<std::int64_t> category_id;
  std::optional<std::string> search;  // as the client typed it; never empty when set
  std::int64_t limit = default_limit;
  std::int64_t offset = 0;
};

// Reads category_id, q, limit and offset from a raw query string ("a=1&b=2").
result<listing_query, json::input_error> parse_listing_query(std::string_view query);

// A positive id from a path segment or parameter, or nothing when it is not one.
std::optional<std::int64_t> parse_id(std::string_view text);

// "%<text>%" with '\', '%' and '_' escaped by '\', for LIKE ... ESCAPE '\': the search
// matches the characters literally.
std::string contains_pattern(std::string_view text);

}  // namespace qm::product
