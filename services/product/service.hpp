#pragma once
// The product service: categories, products, stock and reservations, on its own database
// (product_db). start() reads the settings, applies the schema migrations, registers the
// routes, then starts the expiry sweep: a background loop that, every reservation_sweep_ms,
// expires a bounded batch of held reservations past their expiry and gives their units back.

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "core/task/task_scope.hpp"
#include "runtime/service.hpp"
#include "services/common/observability.hpp"
#include "services/product/routes.hpp"

namespace qm::product {

inline constexpr std::string_view database_name = "product_db";

class product_service final : public rt::service {
 public:
  explicit product_service(rt::runtime& rt) : rt_(rt) {}
  task<bool> start() override;

 private:
  task<void> sweep_loop();

  rt::runtime& rt_;
  std::optional<product_context> ctx_;  // set once start() has succeeded
  std::unique_ptr<services::observability> observability_;  // its routes; after ctx_, which it refers to
  bool sweep_spawned_ = false;          // start() got control back from the sweep's spawn
  // Declared last so it dies first: the sweep's frame refers to ctx_.
  task_scope background_{1};
};

}  // namespace qm::product
