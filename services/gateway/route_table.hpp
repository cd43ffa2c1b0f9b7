#pragma once
// Which upstream serves which path prefix. The gateway exposes only what is listed here;
// everything else (in particular /internal/*, the services' private endpoints) is answered
// 404 by the gateway itself and never reaches a service.

#include <array>
#include <cstddef>
#include <string_view>

namespace qm::gateway {

struct upstream_route {
  std::string_view prefix;    // "/auth": serves "/auth/..." (not "/auth" itself)
  std::string_view upstream;  // the runtime's name for the service
  std::size_t max_depth;      // path segments allowed after the prefix
};

inline constexpr std::array<upstream_route, 1> upstream_routes = {{
    {"/auth", "auth", 3},
}};

}  // namespace qm::gateway
