#pragma once
// How every service turns its handlers into routes: a handler is a plain function of the
// service's context and the request, bound to the one context the service owns (which
// outlives its routes). And the liveness route every service answers the same way.

#include <type_traits>

#include "core/http/router.hpp"
#include "core/task/task.hpp"

namespace qm::services {

template <typename Context>
using context_handler = task<http::response> (*)(Context&, http::request_context);

template <typename Context>
http::handler bind(Context& c, std::type_identity_t<context_handler<Context>> fn) {
  Context* ctx = &c;
  return [ctx, fn](http::request_context rc) { return fn(*ctx, std::move(rc)); };
}

// GET /health: the process is up and serving; it touches no dependency.
task<http::response> health(http::request_context rc);

}  // namespace qm::services
