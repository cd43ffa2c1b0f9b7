#include "services/delivery/routes.hpp"

#include "services/common/binding.hpp"
#include "services/delivery/handlers.hpp"

namespace qm::delivery {

namespace {

using services::bind;
using services::bind_internal;

}  // namespace

void register_routes(http::router& routes, delivery_context& ctx) {
  using http::method;
  routes.add(method::put, "/delivery/profile", bind(ctx, handle_put_profile));
  routes.add(method::get, "/delivery/profile", bind(ctx, handle_get_profile));
  routes.add(method::put, "/delivery/availability", bind(ctx, handle_availability));
  routes.add(method::post, "/delivery/location", bind(ctx, handle_location));
  routes.add(method::get, "/delivery/orders", bind(ctx, handle_partner_orders));
  routes.add(method::post, "/delivery/orders/{order_id}/pickup", bind(ctx, handle_pickup));
  routes.add(method::post, "/delivery/orders/{order_id}/delivered", bind(ctx, handle_delivered));
  routes.add(method::post, "/internal/assignments", bind_internal(ctx, handle_create_assignment));
  routes.add(method::post, "/internal/assignments/{order_id}/cancel",
             bind_internal(ctx, handle_cancel_assignment));
  routes.add(method::get, "/orders/{id}/tracking", bind(ctx, handle_tracking));
  routes.add(method::get, "/admin/partners", bind(ctx, handle_admin_partners));
  routes.add(method::post, "/admin/assignments", bind(ctx, handle_admin_assign));
  routes.add(method::get, "/admin/stats", bind(ctx, handle_admin_stats));
}

}  // namespace qm::delivery
