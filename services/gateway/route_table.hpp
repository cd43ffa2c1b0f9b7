#pragma once
// Every path the gateway exposes, which upstream serves it and who may call it. The gateway
// routes only what is listed here: anything else (in particular /internal/*, the services'
// private endpoints) is answered 404 by the gateway itself and never reaches a service.
// A template's {name} matches one path segment; the path travels to the upstream unchanged.
// The gateway serves the health and metrics routes (services/common/observability.hpp) and
// GET /admin/stats (admin; merged from product, order and delivery) itself.

#include <array>
#include <cstdint>
#include <string_view>

#include "core/http/message.hpp"

namespace qm::gateway {

enum class access : std::uint8_t {
  open,     // anyone (auth handles its own Bearer checks on /auth/me)
  user,     // any authenticated user
  partner,  // a delivery partner (or an admin)
  admin,    // an admin
};

std::string_view to_string(access a);

struct gateway_route {
  http::method verb;
  std::string_view path;      // a router template
  std::string_view upstream;  // the runtime's name for the service
  access need;
};

using http::method;

inline constexpr std::array<gateway_route, 40> gateway_routes = {{
    // auth: accounts and tokens.
    {method::post, "/auth/register", "auth", access::open},
    {method::post, "/auth/login", "auth", access::open},
    {method::post, "/auth/refresh", "auth", access::open},
    {method::post, "/auth/logout", "auth", access::open},
    {method::get, "/auth/me", "auth", access::open},
    {method::put, "/auth/me", "auth", access::open},
    {method::put, "/admin/users/{id}/role", "auth", access::admin},
    // product: browsing is open, the catalogue is the admins'.
    {method::get, "/categories", "product", access::open},
    {method::get, "/products", "product", access::open},
    {method::get, "/products/{id}", "product", access::open},
    {method::post, "/admin/categories", "product", access::admin},
    {method::get, "/admin/products", "product", access::admin},
    {method::post, "/admin/products", "product", access::admin},
    {method::patch, "/admin/products/{id}", "product", access::admin},
    {method::del, "/admin/products/{id}", "product", access::admin},
    {method::post, "/admin/products/{id}/restock", "product", access::admin},
    // cart.
    {method::get, "/cart", "cart", access::user},
    {method::del, "/cart", "cart", access::user},
    {method::post, "/cart/items", "cart", access::user},
    {method::patch, "/cart/items/{product_id}", "cart", access::user},
    {method::del, "/cart/items/{product_id}", "cart", access::user},
    // order.
    {method::post, "/orders/checkout", "order", access::user},
    {method::get, "/orders", "order", access::user},
    {method::get, "/orders/{id}", "order", access::user},
    {method::post, "/orders/{id}/cancel", "order", access::user},
    {method::get, "/admin/orders", "order", access::admin},
    {method::post, "/admin/orders/{id}/status", "order", access::admin},
    // delivery: partners' own routes, tracking for customers, assignment for admins.
    {method::get, "/orders/{id}/tracking", "delivery", access::user},
    {method::get, "/delivery/profile", "delivery", access::partner},
    {method::put, "/delivery/profile", "delivery", access::partner},
    {method::put, "/delivery/availability", "delivery", access::partner},
    {method::post, "/delivery/location", "delivery", access::partner},
    {method::get, "/delivery/orders", "delivery", access::partner},
    {method::post, "/delivery/orders/{order_id}/pickup", "delivery", access::partner},
    {method::post, "/delivery/orders/{order_id}/delivered", "delivery", access::partner},
    {method::get, "/admin/partners", "delivery", access::admin},
    {method::post, "/admin/assignments", "delivery", access::admin},
    // notification.
    {method::get, "/notifications", "notification", access::user},
    {method::get, "/notifications/settings", "notification", access::user},
    {method::put, "/notifications/settings", "notification", access::user},
}};

}  // namespace qm::gateway
