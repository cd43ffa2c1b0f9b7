#pragma once
// The small inputs of the order routes, read and checked: ids in paths, paging and filters in
// query strings, and the bodies of the status and partner routes. Bad values are errors naming
// the parameter (a 400), never silently clamped.

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/base/result.hpp"
#include "core/json/json.hpp"
#include "services/order/domain/status.hpp"

namespace qm::order {

inline constexpr std::int64_t default_page_limit = 20;
inline constexpr std::int64_t max_page_limit = 100;
// Deep offsets cost a scan each; past this a client should filter instead.
inline constexpr std::int64_t max_page_offset = 100'000;
inline constexpr std::int64_t max_id = (std::int64_t{1} << 53) - 1;

struct page {
  std::int64_t limit = default_page_limit;
  std::int64_t offset = 0;
};

struct admin_query {
  page paging;
  std::optional<order_status> status;
  std::optional<std::int64_t> user_id;
};

struct status_request {
  order_status status = order_status::confirmed;
  std::optional<std::int64_t> partner_id;
};

// A positive id from a path segment or parameter, or nothing when it is not one.
std::optional<std::int64_t> parse_id(std::string_view text);

result<page, json::input_error> parse_page(std::string_view query);
result<admin_query, json::input_error> parse_admin_query(std::string_view query);

// {"status", "partner_id"?}; partner_id only when allow_partner.
result<status_request, json::input_error> parse_status_body(std::string_view body,
                                                            bool allow_partner);
// {"partner_id"}
result<std::int64_t, json::input_error> parse_partner_body(std::string_view body);

}  // namespace qm::order
