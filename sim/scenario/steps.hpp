#pragma once
// Every request kind a simulated client makes, by a short name. Checks select requests by
// these names ("step: checkout"), and the outcome log stores the index.

#include <cstdint>
#include <string>
#include <vector>

namespace qm::sim {

enum step_id : std::uint8_t {
  // Customers: accounts.
  step_register,
  step_login,
  step_me,
  step_update_me,
  step_refresh,
  step_logout,
  // Customers: the shop.
  step_browse,
  step_product,
  step_add_to_cart,
  step_cart,
  step_clear_cart,
  step_checkout,
  step_orders,
  step_tracking,
  step_cancel,
  step_notifications,
  // The store's staff (admin) and delivery partners.
  step_admin,
  step_restock,
  step_pack,
  step_partner,
  step_partner_poll,
  step_pickup,
  step_delivered,
  // Hostile clients (scenarios/rate_limit_abuse, auth_outage, spoofed_identity).
  step_abuse,     // a request of a client hammering the gateway
  step_impostor,  // a protected route with an invalid, forged or expired token
  step_spoof,     // a forged identity header sent through the gateway
  step_bypass,    // a forged identity sent straight to a service, around the gateway
  step_count
};

std::vector<std::string> known_step_names();

}  // namespace qm::sim
