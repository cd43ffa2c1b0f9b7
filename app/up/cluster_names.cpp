#include "app/up/cluster_names.hpp"

#include <array>

namespace qm::up {

namespace {

constexpr std::array<child_name, 14> names = {{
    {"gateway", child_kind::gateway, 0},
    {"auth", child_kind::service, 1},
    {"product", child_kind::service, 2},
    {"cart", child_kind::service, 3},
    {"order", child_kind::service, 4},
    {"delivery", child_kind::service, 5},
    {"notification", child_kind::service, 6},
    {"auth-db", child_kind::database, 10},
    {"product-db", child_kind::database, 11},
    {"cart-db", child_kind::database, 12},
    {"order-db", child_kind::database, 13},
    {"delivery-db", child_kind::database, 14},
    {"redis", child_kind::redis, 20},
    {"prometheus", child_kind::prometheus, max_port_offset},
}};

constexpr std::array<std::string_view, 5> with_database = {"auth", "product", "cart", "order", "delivery"};
constexpr std::array<std::string_view, 6> backends = {"auth", "product", "cart", "order", "delivery", "notification"};

}  // namespace

std::span<const child_name> all_child_names() { return names; }
std::span<const std::string_view> database_services() { return with_database; }
std::span<const std::string_view> backend_services() { return backends; }

std::optional<child_name> find_child_name(std::string_view name) {
  for (const auto& n : names) {
    if (n.name == name) {
      return n;
    }
  }
  return std::nullopt;
}

std::string database_name_of(std::string_view service) { return std::string(service) + "-db"; }

}  // namespace qm::up
