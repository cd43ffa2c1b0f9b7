#pragma once
// The product service: categories, products and stock, on its own database (product_db).
// start() reads the settings, applies the schema migrations, then registers the routes.

#include <optional>
#include <string_view>

#include "runtime/service.hpp"
#include "services/product/routes.hpp"

namespace qm::product {

inline constexpr std::string_view database_name = "product_db";

class product_service final : public rt::service {
 public:
  explicit product_service(rt::runtime& rt) : rt_(rt) {}
  task<bool> start() override;

 private:
  rt::runtime& rt_;
  std::optional<product_context> ctx_;  // set once start() has succeeded
};

}  // namespace qm::product
