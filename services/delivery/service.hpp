#pragma once
// The delivery service: partners, assignment of orders to the nearest available partner,
// pickup and delivery (driving the order's status), tracking with an ETA; on its own
// database (delivery_db). start() reads the settings, applies the schema migrations, then
// registers the routes. Waiting orders are assigned when a partner becomes free; with
// waiting_sweep_ms set, a background loop also retries that every so often.

#include <memory>
#include <optional>
#include <string_view>

#include "core/task/task_scope.hpp"
#include "runtime/service.hpp"
#include "services/common/observability.hpp"
#include "services/delivery/context.hpp"

namespace qm::delivery {

inline constexpr std::string_view database_name = "delivery_db";

class delivery_service final : public rt::service {
 public:
  explicit delivery_service(rt::runtime& rt) : rt_(rt) {}
  task<bool> start() override;

 private:
  // Every waiting_sweep: one bounded drain of the waiting queue.
  task<void> sweep_waiting();

  rt::runtime& rt_;
  std::optional<delivery_context> ctx_;  // set once start() has succeeded
  std::unique_ptr<services::observability> observability_;  // its routes; after ctx_, which it refers to
  bool sweep_spawned_ = false;           // set once spawn() has returned
  // Declared after ctx_ so that the loop it owns dies before the context it uses.
  task_scope background_{1};
};

}  // namespace qm::delivery
