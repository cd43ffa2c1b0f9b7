#pragma once
// A service that cannot answer because one of its own upstreams failed says so on its 503 with
// this header, whose value names that upstream. Its caller counts such an answer neither as a
// failure of the service (its breaker) nor as worth another attempt (its retries): the service
// is healthy, and asking it again cannot help while its dependency is down. Without the
// marker, one service's outage opened its callers' callers' breakers too: with product down,
// the gateway's breaker on cart opened on cart's 503s and then refused every cart call,
// emptying a cart included, which needs no product.
// Only services of the cluster set it; the gateway takes it off before answering a client.

#include <string_view>

namespace qm::resilience {

inline constexpr std::string_view dependency_down_header = "x-quickmart-dependency-down";

}  // namespace qm::resilience
