#pragma once
// The calls a checkout makes while the customer waits: the cart's lines, and product's
// reserve and confirm. Each reply is read into what the saga needs, or into a failure that
// says whether it is final (the customer must change something: the reply is passed on and
// replayed for the key) or transient (the same key may simply try again).

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/runtime.hpp"
#include "services/common/upstream_client.hpp"
#include "services/order/domain/order.hpp"

namespace qm::order {

struct upstream_failure {
  bool final = false;
  int status = 503;   // for a final failure: the status to answer and replay
  std::string body;   // for a final failure: the body to answer and replay
  std::string reason;  // for logs
};

template <typename T>
using upstream_result = result<T, upstream_failure>;

struct cart_line {
  std::int64_t product_id = 0;
  std::int64_t quantity = 0;
};

struct reservation {
  std::string id;
  std::string status;  // held, confirmed, released, expired
  std::vector<order_line> lines;
};

// The most lines a cart holds (cart's own bound); a longer reply is treated as broken.
inline constexpr std::size_t max_cart_lines = 100;

class upstreams {
 public:
  // origin: the checkout request; its id and span go with every call.
  // deadline: the checkout request's own; every call (and its retries) ends by it.
  upstreams(services::upstream_client& client, time_point deadline,
            const observe::request_scope* origin)
      : client_(client), deadline_(deadline), origin_(origin) {}

  // GET cart /internal/carts/{user_id}: the lines, possibly none.
  task<upstream_result<std::vector<cart_line>>> cart_lines(std::int64_t user_id);
  // POST product /internal/reservations. Final: 409 insufficient_stock / product_unavailable.
  task<upstream_result<reservation>> reserve(std::string reservation_id,
                                             std::vector<cart_line> lines);
  // POST product /internal/reservations/{id}/confirm.
  task<upstream_result<bool>> confirm(std::string reservation_id);

 private:
  // Every call of the saga is safe to repeat: the cart read, and the reservation calls that
  // product keys by reservation id.
  task<upstream_result<http::response>> call(std::string upstream, http::method verb,
                                             std::string target, std::string body);

  services::upstream_client& client_;
  time_point deadline_;
  const observe::request_scope* origin_;
};

}  // namespace qm::order
