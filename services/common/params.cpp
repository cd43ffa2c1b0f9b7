#include "services/common/params.hpp"

#include <charconv>
#include <string>

#include "core/http/message.hpp"

namespace qm::services {

std::optional<std::int64_t> parse_decimal(std::string_view text) {
  // 18 digits always fit an int64, so from_chars cannot overflow on an accepted length.
  if (text.empty() || text.size() > 18) {
    return std::nullopt;
  }
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
  }
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> parse_positive_id(std::string_view text, std::int64_t max) {
  const auto v = parse_decimal(text);
  if (!v || *v < 1 || *v > max) {
    return std::nullopt;
  }
  return v;
}

result<std::int64_t, json::input_error> bounded_query_int(std::string_view query,
                                                          std::string_view name,
                                                          std::int64_t fallback, std::int64_t min,
                                                          std::int64_t max) {
  const auto text = http::query_param(query, name);
  if (!text) {
    return fallback;
  }
  const auto v = parse_decimal(*text);
  if (!v || *v < min || *v > max) {
    return make_unexpected(json::input_error{
        std::string(name),
        "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)});
  }
  return *v;
}

result<page_params, json::input_error> parse_page_params(std::string_view query,
                                                         const page_bounds& bounds) {
  auto limit = bounded_query_int(query, "limit", bounds.default_limit, 1, bounds.max_limit);
  if (!limit) {
    return make_unexpected(limit.error());
  }
  auto offset = bounded_query_int(query, "offset", 0, 0, bounds.max_offset);
  if (!offset) {
    return make_unexpected(offset.error());
  }
  return page_params{*limit, *offset};
}

}  // namespace qm::services
