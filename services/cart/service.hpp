#pragma once
// The cart service: each user's cart lines on its own database (cart_db), priced from the
// product service at every read. start() reads the settings (refusing to start without the
// context secret), applies the schema migrations, then registers the routes.

#include <memory>
#include <optional>
#include <string_view>

#include "runtime/service.hpp"
#include "services/common/observability.hpp"
#include "services/cart/routes.hpp"

namespace qm::cart {

inline constexpr std::string_view database_name = "cart_db";

class cart_service final : public rt::service {
 public:
  explicit cart_service(rt::runtime& rt) : rt_(rt) {}
  task<bool> start() override;

 private:
  rt::runtime& rt_;
  std::optional<cart_context> ctx_;  // set once start() has succeeded
  std::unique_ptr<services::observability> observability_;  // its routes; after ctx_, which it refers to
};

}  // namespace qm::cart
