#include "services/product/domain/listing.hpp"

#include <limits>

#include "core/http/message.hpp"
#include "services/common/params.hpp"

namespace qm::product {

namespace {

json::input_error bad(std::string_view field, std::string message) {
  return json::input_error{std::string(field), std::move(message)};
}

}  // namespace

std::optional<std::int64_t> parse_id(std::string_view text) {
  // A product id is bounded only by the 18 digits a segment may hold, not by 2^53.
  return services::parse_positive_id(text, std::numeric_limits<std::int64_t>::max());
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
  const auto page = services::parse_page_params(query, {default_limit, max_limit, max_offset});
  if (!page) {
    return make_unexpected(page.error());
  }
  out.limit = page->limit;
  out.offset = page->offset;
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
