#pragma once
// The auth service's HTTP API.
//
//   POST /auth/register         {email|phone, password, name}        201 user | 400 | 409
//   POST /auth/login            {email|phone, password}              200 tokens | 400 | 401
//   POST /auth/refresh          {refresh_token}                      200 tokens | 400 | 401
//   POST /auth/logout           {refresh_token}                      204 | 400 | 401
//   GET  /auth/me               Authorization: Bearer <access>       200 user | 401
//   PUT  /auth/me               {name?, phone?} + Bearer             200 user | 400 | 401 | 409
//   PUT  /admin/users/{id}/role {role} (admin, signed context)       200 user | 400 | 404 | 409
//   POST /internal/verify-token {token}                              200 {active, ...}
// Every handler that reaches the database answers 503 (Retry-After: 1) when it is
// unavailable or slow, never 500.

#include <string>

#include "core/http/router.hpp"
#include "runtime/runtime.hpp"
#include "services/auth/domain/settings.hpp"
#include "services/auth/store.hpp"

namespace qm::auth {

// What every handler shares; owned by the service, which outlives its routes.
struct auth_context {
  rt::runtime& rt;
  auth_settings settings;
  auth_store store;
  std::string dummy_hash;  // verified against when the user is unknown
};

void register_routes(http::router& routes, auth_context& ctx);

}  // namespace qm::auth
