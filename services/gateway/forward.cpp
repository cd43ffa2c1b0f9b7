#include "services/gateway/forward.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "core/http/router.hpp"
#include "core/identity/user_context.hpp"
#include "core/resilience/deadline.hpp"
#include "core/resilience/dependency_down.hpp"
#include "services/gateway/authenticate.hpp"
#include "services/gateway/request_id.hpp"
#include "services/gateway/route_table.hpp"

namespace qm::gateway {

namespace {

// Headers that describe one connection, not the message (RFC 9110 section 7.6.1), plus the
// framing the transport recomputes.
constexpr std::array<std::string_view, 10> hop_by_hop = {
    "Connection",          "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE",
    "Trailer",             "Transfer-Encoding", "Upgrade",     "Content-Length",      "Host",
};

bool is_hop_by_hop(std::string_view name) {
  return std::any_of(hop_by_hop.begin(), hop_by_hop.end(),
                     [&](std::string_view h) { return http::iequals(h, name); });
}

// in without hop-by-hop fields, with request_id as its X-Request-ID. On the way to an upstream
// (to_upstream set) a client-made identity never passes, and the client's token travels only
// where it is needed (auth reads it on /auth/me and /auth/logout). Filters in place: the
// callers hand over a message they no longer need, so no field is copied; the reply's leg,
// the request id's last use, hands the id over too.
http::headers end_to_end(http::headers in, std::string request_id,
                         std::optional<std::string_view> to_upstream = std::nullopt) {
  in.remove_if([&](std::string_view name, std::string_view) {
    // The dependency marker is a word between the cluster's services: clients neither see one
    // nor send one in.
    if (is_hop_by_hop(name) || http::iequals(name, request_id_header) ||
        http::iequals(name, resilience::dependency_down_header)) {
      return true;
    }
    return to_upstream && (http::iequals(name, identity::context_header) ||
                           http::iequals(name, resilience::deadline_header) ||
                           (*to_upstream != "auth" && http::iequals(name, "Authorization")));
  });
  in.add(std::string(request_id_header), std::move(request_id));  // the filter removed any other
  return in;
}

void count(gateway_context& c, std::string_view upstream, std::string_view outcome) {
  c.upstream_requests.at(upstream, outcome).inc();
}

http::response call_failed(gateway_context& c, const http::request_context& rc,
                           std::string_view upstream, const rt::call_error& e,
                           const std::string& request_id) {
  count(c, upstream, rt::to_string(e.code));
  http::response r;
  switch (e.code) {
    case rt::call_errc::timeout:
      r = http::error_response(504, "upstream_timeout", "the upstream service did not answer in time",
                               request_id);
      break;
    case rt::call_errc::connect_failed:
    case rt::call_errc::overloaded:
    case rt::call_errc::circuit_open:
      r = http::error_response(503, "upstream_unavailable", "the upstream service is unavailable",
                               request_id);
      r.headers.set("Retry-After", "1");
      break;
    case rt::call_errc::connection_reset:
      r = http::error_response(502, "upstream_reset", "the upstream connection broke", request_id);
      break;
    case rt::call_errc::unknown_upstream:
      c.rt.log.error(rc.scope.get(), "no address for upstream",
                     {{"upstream", std::string(upstream)}});
      r = http::error_response(502, "bad_gateway", "the upstream service is not configured",
                               request_id);
      break;
  }
  r.headers.set(std::string(request_id_header), request_id);
  return r;
}

}  // namespace

bool unsafe_path(std::string_view path) {
  const bool no_dot_segment = http::for_each_segment(path, [](std::string_view seg) {
    return seg != "." && seg != "..";
  });
  if (!no_dot_segment) {
    return true;
  }
  if (path.find('\\') != std::string_view::npos) {
    return true;
  }
  for (std::size_t pct = path.find('%'); pct != std::string_view::npos; pct = path.find('%', pct + 1)) {
    const std::string_view code = path.substr(pct + 1, 2);
    if (http::iequals(code, "2e") || http::iequals(code, "2f") || http::iequals(code, "5c")) {
      return true;
    }
  }
  return false;
}

task<result<std::optional<limit_decision>, http::response>> check_rate_limit(
    gateway_context& c, const http::request_context& rc, std::optional<std::int64_t> user_id,
    const std::string& request_id) {
  if (!c.limits.settings().enabled) {
    co_return std::optional<limit_decision>{};
  }
  std::string subject = user_id ? ratelimit::user_subject(std::to_string(*user_id))
                                : c.limits.anonymous_subject(rc.peer, rc.request.headers);
  const limit_decision d = co_await c.limits.admit(class_of(rc.request.path()), std::move(subject));
  if (!d.verdict.allowed) {
    auto r = too_many_requests(d, request_id);
    r.headers.set(std::string(request_id_header), request_id);
    co_return make_unexpected(std::move(r));
  }
  co_return std::optional<limit_decision>{d};
}

task<result<admin_request, http::response>> admit_admin(gateway_context& c,
                                                        const http::request_context& rc) {
  admin_request a;
  a.request_id = choose_request_id(rc.request.headers.get(request_id_header), c.rt.random);
  a.deadline = call_deadline(c, rc);
  auto caller = co_await authenticate_client(c, rc, access::admin, a.request_id, a.deadline);
  if (!caller) {
    co_return make_unexpected(std::move(caller).error());
  }
  if (rc.scope) {
    rc.scope->user_id = caller->user_id;  // for the access log
  }
  auto limited = co_await check_rate_limit(c, rc, caller->user_id, a.request_id);
  if (!limited) {
    co_return make_unexpected(std::move(limited).error());
  }
  a.caller = std::move(*caller);
  a.limit = *limited;
  co_return a;
}

http::response own_answer(http::response r, const admin_request& a) {
  r.headers.set(std::string(request_id_header), a.request_id);
  if (a.limit) {
    add_limit_headers(r, *a.limit);
  }
  return r;
}

time_point call_deadline(const gateway_context& c, const http::request_context& rc) {
  time_point deadline = c.rt.clock.now() + c.settings.upstream_timeout;
  if (rc.deadline != time_point{} && rc.deadline < deadline) {
    deadline = rc.deadline;
  }
  return deadline;
}

task<http::response> forward(gateway_context& c, const gateway_route& route,
                             http::request_context rc) {
  std::string request_id = choose_request_id(rc.request.headers.get(request_id_header), c.rt.random);
  if (unsafe_path(rc.request.path())) {
    auto r = http::error_response(400, "invalid_path", "the request path is not allowed", request_id);
    r.headers.set(std::string(request_id_header), request_id);
    co_return r;
  }
  const time_point deadline = call_deadline(c, rc);
  std::optional<std::string> signed_caller;
  std::optional<std::int64_t> user_id;
  if (route.need != access::open) {
    auto caller = co_await authenticate_client(c, rc, route.need, request_id, deadline);
    if (!caller) {
      co_return std::move(caller).error();
    }
    signed_caller = identity::sign(*caller, c.settings.context_secret);
    user_id = caller->user_id;
    if (rc.scope) {
      rc.scope->user_id = caller->user_id;  // for the access log
    }
  }
  // After authentication, so a signed-in caller is limited by account.
  auto limited = co_await check_rate_limit(c, rc, user_id, request_id);
  if (!limited) {
    co_return std::move(limited).error();
  }
  const std::string_view upstream = route.upstream;
  http::request out;
  out.verb = rc.request.verb;
  out.target = std::move(rc.request.target);
  out.headers = end_to_end(std::move(rc.request.headers), request_id, upstream);
  if (signed_caller) {
    out.headers.set(std::string(identity::context_header), std::move(*signed_caller));
  }
  out.body = std::move(rc.request.body);

  // A client's Idempotency-Key makes even a POST safe to send again (order honours it).
  services::call_options opts;
  opts.deadline = deadline;
  opts.origin = rc.scope.get();
  opts.idempotent = out.headers.get("Idempotency-Key").has_value();
  // The catalogue's open reads are remembered, and served stale while product cannot answer.
  const bool catalogue = route.verb == http::method::get && route.upstream == "product" &&
                         route.need == access::open;
  std::string catalogue_target = catalogue ? out.target : std::string();
  auto reply = co_await c.calls.call(upstream, std::move(out), opts);
  if (catalogue && (!reply || reply->status >= 500)) {
    if (auto stale = c.catalogue.stale(catalogue_target, c.rt.clock.now())) {
      c.rt.metrics
          .get_counter("gateway_fallbacks_total", "Answers the gateway gave from a fallback.",
                       {{"fallback", "stale_cache"}})
          .inc();
      http::response r = std::move(*stale);
      r.headers = end_to_end(std::move(r.headers), std::move(request_id));
      if (*limited) {
        add_limit_headers(r, **limited);
      }
      co_return r;
    }
  }
  if (!reply) {
    co_return call_failed(c, rc, upstream, reply.error(), request_id);
  }
  if (catalogue && reply->status == 200) {
    c.catalogue.remember(catalogue_target, *reply, c.rt.clock.now());
  }
  count(c, upstream, "answered");
  http::response r;
  r.status = reply->status;
  r.headers = end_to_end(std::move(reply->headers), std::move(request_id));
  r.body = std::move(reply->body);
  if (*limited) {
    add_limit_headers(r, **limited);
  }
  co_return r;
}

}  // namespace qm::gateway
