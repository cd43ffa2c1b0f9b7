#include "services/product/domain/listing.hpp"

#include <charconv>

#include "core/http/message.hpp"

namespace qm::product {

namespace {

// Plain decimal digits only: "+5", " 5" and "5x" are refused rather than half-read.
std::optional<std::int64_t> parse_decimal(std::string_view text) {
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

json::input_error bad(std::string_view field, std::string message) {
  return json::input_error{std::string(field), std::move(message)};
}

result<std::int64_t, json::input_error> bounded_param(std::string_view query, std::string_view name,
                                                      std::int64_t fallback, std::int64_t min,
                                                      std::int64_t max) {
  const auto text = http::query_param(query, name);
  if (!text) {
    return fallback;
  }
  const auto v = parse_decimal(*text);
  if (!v || *v < min || *v > max) {
    return make_unexpected(bad(name, "must be an integer from " + std::to_string(min) + " to " +
                                         std::to_string(max)));
  }
  return *v;
}

}  // namespace

std::optional<std::int64_t> parse_id(std::string_view text) {
  const auto v = parse_decimal(text);
  if (!v || *v < 1) {
    return std::nullopt;
  }
  return v;
}

result<listing_query, json::input_error> parse_listing_query(std::string_view query) {
  listing_query out;
  if (const auto category = http::query_param(query, "category_id")) {
    out.category_id = parse_id(*category);
    if (!out.category_id) {
      return make_unexpected(bad("category_id", "must be a positive integer"));
    }
  }
  if (auto q = http::query_param(query, "q"); q && !q->empty()) {
    if (q->size() > max_search_bytes) {
      return make_unexpected(
          bad("q", "must be at most " + std::to_string(max_search_bytes) + " bytes"));
    }
    out.search = std::move(*q);
  }
  auto limit = bounded_param(query, "limit", default_limit, 1, max_limit);
  if (!limit) {
    return make_unexpected(limit.error());
  }
  auto offset = bounded_param(query, "offset", 0, 0, max_offset);
  if (!offset) {
    return make_unexpected(offset.error());
  }
  out.limit = *limit;
  out.offset = *offset;
  return out;
}

std::string contains_pattern(std::string_view text) {
  std::string out = "%";
  out.reserve(text.size() + 2);
  for (char c : text) {
    if (c == '\\' || c == '%' || c == '_') {
      out.push_back('\\');
    }
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

}  // namespace qm::product
