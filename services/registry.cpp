#include "services/registry.hpp"

#include <array>

#include "services/auth/service.hpp"
#include "services/cart/service.hpp"
#include "services/delivery/service.hpp"
#include "services/gateway/service.hpp"
#include "services/notification/service.hpp"
#include "services/order/service.hpp"
#include "services/product/service.hpp"

namespace qm::services {

namespace {

using factory = std::unique_ptr<rt::service> (*)(rt::runtime&);

struct entry {
  std::string_view name;
  std::string_view database;
  factory make;
};

constexpr std::array<entry, 7> entries = {{
    {"gateway", "", [](rt::runtime& rt) -> std::unique_ptr<rt::service> {
       return std::make_unique<gateway::gateway_service>(rt);
     }},
    {"auth", auth::database_name, [](rt::runtime& rt) -> std::unique_ptr<rt::service> {
       return std::make_unique<auth::auth_service>(rt);
     }},
    {"product", product::database_name, [](rt::runtime& rt) -> std::unique_ptr<rt::service> {
       return std::make_unique<product::product_service>(rt);
     }},
    {"cart", cart::database_name, [](rt::runtime& rt) -> std::unique_ptr<rt::service> {
       return std::make_unique<cart::cart_service>(rt);
     }},
    {"order", order::database_name, [](rt::runtime& rt) -> std::unique_ptr<rt::service> {
       return std::make_unique<order::order_service>(rt);
     }},
    {"delivery", delivery::database_name, [](rt::runtime& rt) -> std::unique_ptr<rt::service> {
       return std::make_unique<delivery::delivery_service>(rt);
     }},
    {"notification", "", [](rt::runtime& rt) -> std::unique_ptr<rt::service> {
       return std::make_unique<notification::notification_service>(rt);
     }},
}};

const entry* find(std::string_view name) {
  for (const auto& e : entries) {
    if (e.name == name) {
      return &e;
    }
  }
  return nullptr;
}

}  // namespace

std::vector<std::string_view> service_names() {
  std::vector<std::string_view> out;
  for (const auto& e : entries) {
    out.push_back(e.name);
  }
  return out;
}

std::unique_ptr<rt::service> make_service(std::string_view name, rt::runtime& rt) {
  const entry* e = find(name);
  return e == nullptr ? nullptr : e->make(rt);
}

std::string_view database_of(std::string_view name) {
  const entry* e = find(name);
  return e == nullptr ? std::string_view{} : e->database;
}

}  // namespace qm::services
