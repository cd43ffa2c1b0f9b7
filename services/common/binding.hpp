#pragma once
// How every service turns its handlers into routes: a handler is a plain function of the
// service's context and the request, bound to the one context the service owns (which
// outlives its routes).

#include <type_traits>

#include "core/http/router.hpp"
#include "core/task/task.hpp"
#include "services/common/caller.hpp"

namespace qm::services {

template <typename Context>
using context_handler = task<http::response> (*)(Context&, http::request_context);

template <typename Context>
http::handler bind(Context& c, std::type_identity_t<context_handler<Context>> fn) {
  Context* ctx = &c;
  return [ctx, fn](http::request_context rc) { return fn(*ctx, std::move(rc)); };
}

// As bind, for an /internal/* route: the handler runs only for a call signed with a service
// context (services::authenticate_service); anything else is answered 401 before it. Context
// must have rt (the runtime) and settings.context_secret, as every service context does.
template <typename Context>
task<http::response> run_internal(Context* ctx, context_handler<Context> fn,
                                  http::request_context rc) {
  auto caller = authenticate_service(rc, ctx->settings.context_secret, ctx->rt.clock.now());
  if (!caller) {
    co_return std::move(caller.error());
  }
  co_return co_await fn(*ctx, std::move(rc));
}

template <typename Context>
http::handler bind_internal(Context& c, std::type_identity_t<context_handler<Context>> fn) {
  Context* ctx = &c;
  // A plain lambda returning the coroutine: the coroutine's frame holds copies of everything
  // it needs, never a reference into the lambda.
  return [ctx, fn](http::request_context rc) { return run_internal(ctx, fn, std::move(rc)); };
}

}  // namespace qm::services
