#pragma once
// The delivery service's calls to other services: the order service (status transitions it
// must accept before delivery commits one, and the partner it should record) and the
// notification service (best effort: a failed event is logged and dropped). Every call has a
// deadline of now + upstream_timeout.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/time.hpp"
#include "core/http/message.hpp"
#include "core/task/task.hpp"
#include "runtime/runtime.hpp"
#include "services/common/upstream_client.hpp"

namespace qm::delivery {

enum class order_verdict : std::uint8_t {
  accepted,     // 2xx
  refused,      // a 4xx: the order service said no (409 illegal_transition, 404)
  unavailable,  // no answer in time, or a 5xx
};

struct order_reply {
  order_verdict verdict = order_verdict::unavailable;
  http::response answer;  // the order service's reply when it answered
};

// The notification the delivery service sends. out_for_delivery and delivered come from the
// order service, which notifies on each status change it accepts.
inline constexpr std::string_view event_partner_assigned = "partner_assigned";

class upstreams {
 public:
  upstreams(rt::runtime& rt, duration timeout, services::upstream_client client)
      : rt_(rt), timeout_(timeout), client_(std::move(client)) {}

  // The client itself, for the breaker states /health/detailed reports.
  services::upstream_client& client() { return client_; }

  // POST order /internal/orders/{id}/status {"status","partner_id"}.
  task<order_reply> set_order_status(std::int64_t order_id, std::string_view status,
                                     std::int64_t partner_id, const observe::request_scope* origin);
  // POST order /internal/orders/{id}/partner {"partner_id"}.
  task<order_reply> tell_order_partner(std::int64_t order_id, std::int64_t partner_id,
                                       const observe::request_scope* origin);
  // POST notification /internal/events; failures are logged, never returned.
  task<void> notify(std::int64_t user_id, std::string_view kind, std::int64_t order_id,
                    std::string message, const observe::request_scope* origin);

 private:
  task<rt::call_result> post(std::string_view upstream, std::string target, std::string body,
                             const observe::request_scope* origin);

  rt::runtime& rt_;
  duration timeout_;
  services::upstream_client client_;  // breaker and bulkhead per upstream; no inline retries
};

}  // namespace qm::delivery
