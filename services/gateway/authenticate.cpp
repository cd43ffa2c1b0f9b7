#include "services/gateway/authenticate.hpp"

#include <boost/json/parse.hpp>

#include <charconv>

#include "core/json/json.hpp"
#include "core/token/jwt.hpp"
#include "services/gateway/request_id.hpp"

namespace qm::gateway {

namespace {

// Tokens are a few hundred bytes; anything far longer is refused before it travels on.
constexpr std::size_t max_token_bytes = 4096;

// Every refusal carries the request id in its header too, as the gateway's replies do.
http::response refusal(int status, std::string_view code, std::string_view message,
                       const std::string& request_id) {
  auto r = http::error_response(status, code, message, request_id);
  r.headers.set(std::string(request_id_header), request_id);
  return r;
}

http::response unauthenticated(const std::string& request_id, std::string_view message) {
  auto r = refusal(401, "unauthenticated", message, request_id);
  r.headers.set("WWW-Authenticate", "Bearer");
  return r;
}

http::response auth_unreachable(gateway_context& c, const observe::request_scope* scope,
                                std::string_view why, const std::string& request_id) {
  c.rt.log.warn(scope, "token introspection failed", {{"reason", std::string(why)}});
  auto r = refusal(503, "auth_unavailable",
                   "authentication is temporarily unavailable; retry shortly", request_id);
  r.headers.set("Retry-After", "1");
  return r;
}

std::optional<std::string_view> bearer_token(const http::request& req) {
  const auto header = req.headers.get("Authorization");
  if (!header) {
    return std::nullopt;
  }
  constexpr std::string_view scheme = "Bearer ";
  if (header->size() <= scheme.size() || !http::iequals(header->substr(0, scheme.size()), scheme)) {
    return std::nullopt;
  }
  const std::string_view token = header->substr(scheme.size());
  if (token.size() > max_token_bytes) {
    return std::nullopt;
  }
  return token;
}

bool role_meets(std::string_view role, access need) {
  switch (need) {
    case access::open:
    case access::user:
      return true;
    case access::partner:
      return role == identity::role_partner || role == identity::role_admin;
    case access::admin:
      return role == identity::role_admin;
  }
  return false;
}

void count(gateway_context& c, std::string_view outcome, std::string_view source = "introspection") {
  c.auth_decisions.at(source, outcome).inc();
}

// The caller's context, or the reply when its role does not meet need.
auth_result admit(gateway_context& c, identity::user_context caller, access need,
                  std::string_view source, const std::string& request_id) {
  if (!role_meets(caller.role, need)) {
    count(c, "forbidden", source);
    return make_unexpected(refusal(
        403, "forbidden", "this route needs the " + std::string(to_string(need)) + " role",
        request_id));
  }
  count(c, "allowed", source);
  return caller;
}

}  // namespace

std::string_view to_string(access a) {
  switch (a) {
    case access::open:
      return "open";
    case access::user:
      return "user";
    case access::partner:
      return "partner";
    case access::admin:
      return "admin";
  }
  return "unknown";
}

namespace {

// The caller from a token the gateway verified itself (signature and expiry under the token
// secret), when auth cannot be asked. Revocation is not seen on this path (auth keeps no
// per-access-token state today, but a future revocation list would be missed), which is why
// it is counted apart and only used while auth is unreachable.
auth_result verify_locally(gateway_context& c, const observe::request_scope* scope,
                           std::string_view token, access need, const std::string& request_id,
                           std::string_view why) {
  const time_point now = c.rt.clock.now();
  auto claims = token::verify(token, c.settings.token_secret, now);
  if (!claims || claims->typ != token::token_type::access) {
    count(c, "inactive_token", "fallback");
    return make_unexpected(unauthenticated(request_id, "the token is invalid or expired"));
  }
  identity::user_context caller;
  const auto [end, ec] = std::from_chars(claims->sub.data(), claims->sub.data() + claims->sub.size(),
                                         caller.user_id);
  caller.role = claims->role;
  caller.expires_at_s = to_unix_seconds(now) + identity::context_lifetime_s;
  caller.request_id = request_id;
  if (ec != std::errc{} || end != claims->sub.data() + claims->sub.size() ||
      !identity::well_formed(caller) || caller.role == identity::role_service) {
    count(c, "inactive_token", "fallback");
    return make_unexpected(unauthenticated(request_id, "the token is invalid or expired"));
  }
  c.rt.log.warn(scope, "auth unreachable; token verified locally", {{"reason", std::string(why)}});
  return admit(c, std::move(caller), need, "fallback", request_id);
}

// Auth could not answer: verify locally when the gateway holds the token secret, else 503.
auth_result auth_did_not_answer(gateway_context& c, const http::request_context& rc,
                                std::string_view token, access need,
                                const std::string& request_id, std::string_view why) {
  if (!c.settings.token_secret.empty()) {
    return verify_locally(c, rc.scope.get(), token, need, request_id, why);
  }
  count(c, "auth_unreachable");
  return make_unexpected(auth_unreachable(c, rc.scope.get(), why, request_id));
}

}  // namespace

task<auth_result> authenticate_client(gateway_context& c, const http::request_context& rc, access need,
                                      std::string request_id, time_point deadline) {
  QM_ASSERT(need != access::open);
  const http::request& req = rc.request;
  const auto token = bearer_token(req);
  if (!token) {
    count(c, "missing_token");
    co_return make_unexpected(unauthenticated(request_id, "a Bearer token is required"));
  }
  const std::int64_t now_s = to_unix_seconds(c.rt.clock.now());
  if (auto hit = c.tokens.find(*token, now_s)) {
    if (!hit->active) {
      count(c, "inactive_token", "cache");
      co_return make_unexpected(unauthenticated(request_id, "the token is invalid or expired"));
    }
    identity::user_context caller{hit->caller.user_id, std::move(hit->caller.role),
                                  now_s + identity::context_lifetime_s, request_id};
    co_return admit(c, std::move(caller), need, "cache", request_id);
  }
  json::object body;
  body["token"] = *token;
  http::request ask;
  ask.verb = http::method::post;
  ask.target = "/internal/verify-token";
  ask.headers.set("Content-Type", "application/json");
  ask.body = json::serialize(body);
  // Introspection only reads: safe to ask again. It gets half the time left, so that when
  // auth does not answer, the local fallback still leaves the forwarded call time to run.
  services::call_options opts;
  const time_point asked_at = c.rt.clock.now();
  opts.deadline = deadline > asked_at ? asked_at + (deadline - asked_at) / 2 : deadline;
  opts.origin = rc.scope.get();
  opts.idempotent = true;
  auto reply = co_await c.calls.call("auth", std::move(ask), opts);
  if (!reply) {
    co_return auth_did_not_answer(c, rc, *token, need, request_id,
                                  rt::to_string(reply.error().code));
  }
  if (reply->status != 200) {
    co_return auth_did_not_answer(c, rc, *token, need, request_id,
                                  "status " + std::to_string(reply->status));
  }
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(reply->body, ec);
  const auto* o = !ec && parsed.is_object() ? &parsed.as_object() : nullptr;
  const auto* active = o != nullptr ? o->if_contains("active") : nullptr;
  if (active == nullptr || !active->is_bool()) {
    co_return auth_did_not_answer(c, rc, *token, need, request_id,
                                  "malformed introspection reply");
  }
  if (!active->as_bool()) {
    count(c, "inactive_token");
    c.tokens.remember_inactive(std::string(*token), now_s);
    co_return make_unexpected(unauthenticated(request_id, "the token is invalid or expired"));
  }
  const auto* uid = o->if_contains("user_id");
  const auto* role = o->if_contains("role");
  identity::user_context caller;
  caller.user_id = uid != nullptr && uid->is_int64() ? uid->as_int64() : 0;
  caller.role = role != nullptr && role->is_string() ? std::string(role->as_string()) : "";
  caller.expires_at_s = to_unix_seconds(c.rt.clock.now()) + identity::context_lifetime_s;
  caller.request_id = request_id;
  if (!identity::well_formed(caller) || caller.role == identity::role_service) {
    co_return auth_did_not_answer(c, rc, *token, need, request_id,
                                  "introspection reply without a usable user");
  }
  const auto* exp = o->if_contains("exp");
  if (exp != nullptr && exp->is_int64()) {
    c.tokens.remember(std::string(*token), cached_caller{caller.user_id, caller.role}, exp->as_int64(),
                      now_s);
  }
  co_return admit(c, std::move(caller), need, "introspection", request_id);
}

}  // namespace qm::gateway
