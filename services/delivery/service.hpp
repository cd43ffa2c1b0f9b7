#pragma once
// The delivery service: partners, assignment of orders to the nearest available partner,
// pickup and delivery (driving the order's status), tracking with an ETA; on its own
// database (delivery_db). start() reads the settings, applies the schema migrations, then
// registers the routes. Waiting orders are assigned when a partner becomes free, so there is
// no background loop.

#include <optional>
#include <string_view>

#include "runtime/service.hpp"
#include "services/delivery/context.hpp"

namespace qm::delivery {

inline constexpr std::string_view database_name = "delivery_db";

class delivery_service final : public rt::service {
 public:
  explicit delivery_service(rt::runtime& rt) : rt_(rt) {}
  task<bool> start() override;

 private:
  rt::runtime& rt_;
  std::optional<delivery_context> ctx_;  // set once start() has succeeded
};

}  // namespace qm::delivery
