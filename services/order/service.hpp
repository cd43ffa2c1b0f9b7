#pragma once
// The order service: checkout saga, orders and their status machine, on its own database
// (order_db). start() reads the settings, applies the schema migrations, registers the routes
// and, unless outbox_interval_ms is 0, spawns the background loop that recovers stale
// checkouts and dispatches the outbox every outbox_interval_ms.

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/task/task_scope.hpp"
#include "runtime/service.hpp"
#include "services/common/observability.hpp"
#include "services/order/outbox.hpp"
#include "services/order/routes.hpp"

namespace qm::order {

inline constexpr std::string_view database_name = "order_db";

class order_service final : public rt::service {
 public:
  explicit order_service(rt::runtime& rt);
  task<bool> start() override;

  // One outbox batch (what the background loop does each round). Precondition: started.
  task<dispatch_report> dispatch_once();
  // One pass of the stale-checkout sweep; returns how many were recovered. Precondition: started.
  task<std::int64_t> recover_stale_checkouts();

 private:
  task<void> background_loop();

  rt::runtime& rt_;
  std::optional<order_context> ctx_;  // set once start() has succeeded
  std::unique_ptr<services::observability> observability_;  // its routes; after ctx_, which it refers to
  task_scope loops_;                  // last: its loop dies before the context it uses
};

}  // namespace qm::order
