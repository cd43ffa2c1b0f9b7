#include "services/gateway/routes.hpp"

#include <string>

#include "services/gateway/admin_stats.hpp"
#include "services/gateway/breaker_admin.hpp"
#include "services/gateway/route_table.hpp"

namespace qm::gateway {

void register_routes(http::router& routes, gateway_context& ctx) {
  gateway_context* c = &ctx;
  routes.add(http::method::get, "/admin/stats",
             [c](http::request_context rc) { return admin_stats(*c, std::move(rc)); });
  routes.add(http::method::get, "/admin/breakers",
             [c](http::request_context rc) { return list_breakers(*c, std::move(rc)); });
  routes.add(http::method::put, "/admin/breakers/{upstream}",
             [c](http::request_context rc) { return set_breaker(*c, std::move(rc)); });
  for (const gateway_route& route : gateway_routes) {
    const gateway_route* r = &route;
    routes.add(route.verb, std::string(route.path),
               [c, r](http::request_context rc) { return forward(*c, *r, std::move(rc)); });
  }
}

}  // namespace qm::gateway
