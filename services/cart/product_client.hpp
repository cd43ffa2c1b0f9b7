#pragma once
// The cart's one upstream call: the product service's batch lookup
// (GET /internal/products?ids=...), a read the client may retry within the deadline. Anything but a
// well-formed 200 (no answer, a 5xx, a malformed body) is an upstream failure that the routes
// answer with 503 "upstream_unavailable".

#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/http/router.hpp"
#include "core/task/task.hpp"
#include "runtime/runtime.hpp"
#include "services/common/upstream_client.hpp"
#include "services/cart/domain/pricing.hpp"

namespace qm::cart {

struct upstream_failure {
  std::string reason;  // for the log, never for the client
};

// The products of lines (1..max_lines of them) as the product service sees them now. rc is
// the request being served: its request id and deadline travel along.
task<result<catalogue, upstream_failure>> fetch_products(services::upstream_client& client,
                                                         time_point deadline,
                                                         const http::request_context& rc,
                                                         const std::vector<cart_line>& lines);

}  // namespace qm::cart
