#include "services/gateway/routes.hpp"

#include <array>
#include <string>

#include "services/gateway/route_table.hpp"

namespace qm::gateway {

namespace {

constexpr std::array<http::method, 5> forwarded_methods = {
    http::method::get, http::method::post, http::method::put, http::method::patch,
    http::method::del};

task<http::response> health(http::request_context) {
  co_return http::json_response(200, R"({"status":"ok"})");
}

}  // namespace

void register_routes(http::router& routes, gateway_context& ctx) {
  routes.add(http::method::get, "/health", health);
  // The router matches whole templates, so a prefix becomes one template per depth:
  // "/auth/{p1}", "/auth/{p1}/{p2}", ... up to the route's max_depth.
  gateway_context* c = &ctx;
  for (const auto& route : upstream_routes) {
    std::string path(route.prefix);
    for (std::size_t depth = 1; depth <= route.max_depth; ++depth) {
      path += "/{p" + std::to_string(depth) + "}";
      for (const http::method m : forwarded_methods) {
        const std::string_view upstream = route.upstream;
        routes.add(m, path, [c, upstream](http::request_context rc) {
          return forward(*c, upstream, std::move(rc));
        });
      }
    }
  }
}

}  // namespace qm::gateway
