#pragma once
// Request bodies and parameters of the delivery service, read and checked. Every error
// names the field (a 400), and nothing is silently clamped.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/json/json.hpp"
#include "services/delivery/domain/geo.hpp"

namespace qm::delivery {

template <typename T>
using input_result = result<T, json::input_error>;

// Ids are chosen below 2^53 so that JSON clients keep them exact.
inline constexpr std::int64_t max_id = (std::int64_t{1} << 53) - 1;
inline constexpr std::size_t max_name_bytes = 100;
inline constexpr std::int64_t default_limit = 20;
inline constexpr std::int64_t max_limit = 100;
inline constexpr std::int64_t max_offset = 100'000;

struct profile_input {
  std::string name;
  geo_point at;
};

struct new_assignment_input {
  std::int64_t order_id = 0;
  std::int64_t user_id = 0;
  geo_point destination;
};

struct admin_assignment_input {
  std::int64_t order_id = 0;
  std::int64_t partner_id = 0;
};

struct page {
  std::int64_t limit = default_limit;
  std::int64_t offset = 0;
};

// PUT /delivery/profile {"name","lat","lon"}
input_result<profile_input> parse_profile(std::string_view body);
// PUT /delivery/availability {"status":"available"|"offline"}
input_result<partner_status> parse_availability(std::string_view body);
// POST /delivery/location {"lat","lon"}
input_result<geo_point> parse_location(std::string_view body);
// POST /internal/assignments {"order_id","user_id","location":{"lat","lon"}}
input_result<new_assignment_input> parse_new_assignment(std::string_view body);
// POST /admin/assignments {"order_id","partner_id"}
input_result<admin_assignment_input> parse_admin_assignment(std::string_view body);
// ?limit=&offset= (limit 1..100, default 20; offset 0..100000)
input_result<page> parse_page(std::string_view query);
// ?status= of GET /admin/partners: absent, or one of the partner states.
input_result<std::optional<partner_status>> parse_status_filter(std::string_view query);

// A positive id (below 2^53) from a path segment, or nothing.
std::optional<std::int64_t> parse_id(std::string_view text);

// The number at field of o as degrees within [-limit, limit].
input_result<double> coordinate(const json::object& o, std::string_view field, double limit,
                                std::string_view shown_as);

}  // namespace qm::delivery
