#include "services/auth/routes.hpp"

#include <charconv>

#include "core/identity/user_context.hpp"
#include "core/token/jwt.hpp"
#include "services/common/binding.hpp"
#include "services/common/caller.hpp"
#include "services/auth/domain/passwords.hpp"
#include "services/auth/domain/tokens.hpp"
#include "services/auth/domain/validation.hpp"
#include "services/auth/responses.hpp"

namespace qm::auth {

namespace {

using http::request_context;
using http::response;

// Registering picks a random id; a collision is astronomically rare, but it is handled.
constexpr int max_id_attempts = 3;

void count(auth_context& c, std::string_view op, std::string_view outcome) {
  c.rt.metrics
      .get_counter("auth_operations_total", "Auth operations by outcome.",
                   {{"op", std::string(op)}, {"outcome", std::string(outcome)}})
      .inc();
}

response invalid_credentials(const request_context& rc) {
  return unauthorized(rc, "invalid_credentials", "invalid credentials");
}

response invalid_token(const request_context& rc) {
  return unauthorized(rc, "invalid_token", "the token is invalid or expired");
}

// The verified claims of token when it is valid and of the expected type.
std::optional<token::claims> check_token(auth_context& c, const request_context& rc,
                                         std::string_view token, token::token_type expected) {
  auto claims = token::verify(token, c.settings.token_secret, c.rt.clock.now(),
                              c.settings.token_leeway);
  if (!claims) {
    c.rt.log.debug(rc.scope.get(), "token refused",
                   {{"reason", std::string(token::to_string(claims.error()))}});
    return std::nullopt;
  }
  if (claims->typ != expected || !user_id_of(*claims)) {
    return std::nullopt;
  }
  return std::move(*claims);
}

task<response> handle_register(auth_context& c, request_context rc) {
  auto in = parse_register(rc.request.body);
  if (!in) {
    count(c, "register", "bad_input");
    co_return bad_input(rc, in.error());
  }
  user u;
  u.email = in->email;
  u.phone = in->phone;
  u.name = in->name;
  u.role = "customer";
  u.created_at = to_unix_seconds(c.rt.clock.now());
  u.password_hash = hash_password(in->password, c.rt.random.bytes(salt_bytes),
                                  password_params(c.settings.scrypt_n));
  for (int attempt = 0; attempt < max_id_attempts; ++attempt) {
    u.id = new_user_id(c.rt.random);
    auto outcome = co_await c.store.create_user(u);
    if (!outcome) {
      co_return db_failure(rc, c.rt.log, "register", outcome.error());
    }
    switch (*outcome) {
      case create_outcome::created:
        count(c, "register", "created");
        co_return http::json_response(201, user_body(u));
      case create_outcome::email_taken:
        count(c, "register", "conflict");
        co_return conflict(rc, "email: is already registered");
      case create_outcome::phone_taken:
        count(c, "register", "conflict");
        co_return conflict(rc, "phone: is already registered");
      case create_outcome::id_taken:
        break;
    }
  }
  co_return db_failure(rc, c.rt.log, "register",
                       {sql::errc::unique_violation, "no free user id after retries"});
}

task<response> handle_login(auth_context& c, request_context rc) {
  auto in = parse_login(rc.request.body);
  if (!in) {
    count(c, "login", "bad_input");
    co_return bad_input(rc, in.error());
  }
  db_result<std::optional<user>> found = std::optional<user>{};
  if (in->email) {
    found = co_await c.store.find_by_email(*in->email);
  } else {
    found = co_await c.store.find_by_phone(*in->phone);
  }
  if (!found) {
    count(c, "login", "unavailable");
    co_return db_failure(rc, c.rt.log, "login", found.error());
  }
  const std::optional<user>& u = *found;
  // An unknown user costs the same scrypt work as a wrong password: no timing oracle.
  const bool matches = verify_password(in->password, u ? u->password_hash : c.dummy_hash);
  if (!u || !matches) {
    count(c, "login", "refused");
    co_return invalid_credentials(rc);
  }
  const time_point now = c.rt.clock.now();
  const refresh_plan plan = plan_refresh(c.settings, std::nullopt, now, c.rt.random);
  // Named rather than braced inside the co_await: GCC 12 destroys a braced temporary
  // argument of an awaited call twice.
  refresh_record record{plan.jti, plan.family, u->id, plan.expires_at};
  auto stored = co_await c.store.insert_refresh(std::move(record), to_unix_seconds(now));
  if (!stored) {
    count(c, "login", "unavailable");
    co_return db_failure(rc, c.rt.log, "login", stored.error());
  }
  count(c, "login", "ok");
  const token_pair pair = issue_pair(c.settings, u->id, u->role, plan, now, c.rt.random);
  co_return http::json_response(200, token_pair_json(pair));
}

task<response> handle_refresh(auth_context& c, request_context rc) {
  auto token = parse_token_body(rc.request.body, "refresh_token");
  if (!token) {
    co_return bad_input(rc, token.error());
  }
  auto old = check_token(c, rc, *token, token::token_type::refresh);
  if (!old) {
    count(c, "refresh", "refused");
    co_return invalid_token(rc);
  }
  const time_point now = c.rt.clock.now();
  const refresh_plan plan = plan_refresh(c.settings, old->fam, now, c.rt.random);
  refresh_record next{plan.jti, plan.family, 0, plan.expires_at};
  auto rotated =
      co_await c.store.rotate_refresh(old->jti, old->fam, std::move(next), to_unix_seconds(now));
  if (!rotated) {
    count(c, "refresh", "unavailable");
    co_return db_failure(rc, c.rt.log, "refresh", rotated.error());
  }
  switch (rotated->outcome) {
    case rotate_outcome::rotated: {
      count(c, "refresh", "ok");
      const token_pair pair =
          issue_pair(c.settings, rotated->user_id, rotated->role, plan, now, c.rt.random);
      co_return http::json_response(200, token_pair_json(pair));
    }
    case rotate_outcome::reused:
      count(c, "refresh", "reuse");
      c.rt.log.warn(rc.scope.get(), "refresh token reused; family revoked",
                    {{"user_id", std::to_string(rotated->user_id)}});
      co_return invalid_token(rc);
    case rotate_outcome::unknown:
    case rotate_outcome::revoked:
    case rotate_outcome::expired:
      break;
  }
  count(c, "refresh", "refused");
  co_return invalid_token(rc);
}

task<response> handle_logout(auth_context& c, request_context rc) {
  auto token = parse_token_body(rc.request.body, "refresh_token");
  if (!token) {
    co_return bad_input(rc, token.error());
  }
  auto claims = check_token(c, rc, *token, token::token_type::refresh);
  if (!claims) {
    co_return invalid_token(rc);
  }
  auto revoked = co_await c.store.revoke_family(claims->fam);
  if (!revoked) {
    co_return db_failure(rc, c.rt.log, "logout", revoked.error());
  }
  response r;
  r.status = 204;
  co_return r;
}

// The user an access token names, or the response to send instead.
task<result<user, response>> authenticated_user(auth_context& c, const request_context& rc) {
  const auto token = bearer_token(rc.request);
  auto claims = token ? check_token(c, rc, *token, token::token_type::access) : std::nullopt;
  if (!claims) {
    co_return make_unexpected(invalid_token(rc));
  }
  auto found = co_await c.store.find_by_id(*user_id_of(*claims));
  if (!found) {
    co_return make_unexpected(db_failure(rc, c.rt.log, "me", found.error()));
  }
  if (!found->has_value()) {
    co_return make_unexpected(invalid_token(rc));
  }
  co_return std::move(**found);
}

task<response> handle_get_me(auth_context& c, request_context rc) {
  auto u = co_await authenticated_user(c, rc);
  if (!u) {
    co_return std::move(u).error();
  }
  co_return http::json_response(200, user_body(*u));
}

task<response> handle_put_me(auth_context& c, request_context rc) {
  const auto token = bearer_token(rc.request);
  auto claims = token ? check_token(c, rc, *token, token::token_type::access) : std::nullopt;
  if (!claims) {
    co_return invalid_token(rc);
  }
  auto update = parse_profile_update(rc.request.body);
  if (!update) {
    co_return bad_input(rc, update.error());
  }
  auto updated = co_await c.store.update_profile(*user_id_of(*claims), std::move(update->name),
                                                 std::move(update->phone));
  if (!updated) {
    co_return db_failure(rc, c.rt.log, "update_me", updated.error());
  }
  switch (updated->first) {
    case update_outcome::updated:
      co_return http::json_response(200, user_body(*updated->second));
    case update_outcome::phone_taken:
      co_return conflict(rc, "phone: is already registered");
    case update_outcome::not_found:
      break;
  }
  co_return invalid_token(rc);
}

task<response> handle_verify_token(auth_context& c, request_context rc) {
  auto token = parse_token_body(rc.request.body, "token");
  if (!token) {
    co_return bad_input(rc, token.error());
  }
  auto claims = check_token(c, rc, *token, token::token_type::access);
  json::writer w;
  w.begin_object().member("active", claims.has_value());
  if (claims) {
    w.member("user_id", *user_id_of(*claims)).member("role", claims->role);
    w.member("exp", claims->exp);
  }
  w.end_object();
  co_return http::json_response(200, w.finish());
}

// PUT /admin/users/{id}/role {"role"}: how partners and further admins come to be. An admin
// may not demote itself, so the last admin cannot lock everyone out by accident.
task<response> handle_set_role(auth_context& c, request_context rc) {
  auto caller = services::authenticate_role(rc, c.settings.context_secret, c.rt.clock.now(),
                                            identity::role_admin);
  if (!caller) {
    co_return std::move(caller.error());
  }
  std::int64_t id = 0;
  const std::string_view id_text = rc.param("id");
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (ec != std::errc{} || end != id_text.data() + id_text.size() || id <= 0) {
    co_return bad_input(rc, {"id", "must be a positive integer"});
  }
  auto doc = json::parse_object(rc.request.body, max_body_bytes);
  if (!doc) {
    co_return bad_input(rc, doc.error());
  }
  if (auto known = json::only_fields(*doc, {"role"}); !known) {
    co_return bad_input(rc, known.error());
  }
  auto role = json::required_string(*doc, "role", 1, 32);
  if (!role) {
    co_return bad_input(rc, role.error());
  }
  if (*role != identity::role_customer && *role != identity::role_partner &&
      *role != identity::role_admin) {
    co_return bad_input(rc, {"role", "must be customer, partner or admin"});
  }
  if (id == caller->user_id && *role != identity::role_admin) {
    co_return conflict(rc, "role: an admin cannot demote itself");
  }
  auto updated = co_await c.store.set_role(id, *role);
  if (!updated) {
    co_return db_failure(rc, c.rt.log, "set_role", updated.error());
  }
  if (!updated->has_value()) {
    co_return http::error_response(404, "not_found", "no such user", services::request_id(rc));
  }
  // The scope's user_id is the admin who made the change; the event names whose role changed.
  c.rt.log.info(rc.scope.get(), "role changed",
                {{"target_user_id", std::to_string(id)}, {"role", *role}});
  count(c, "set_role", "changed");
  co_return http::json_response(200, user_body(**updated));
}

using services::bind;
using services::bind_internal;

}  // namespace

void register_routes(http::router& routes, auth_context& ctx) {
  routes.add(http::method::post, "/auth/register", bind(ctx, handle_register));
  routes.add(http::method::post, "/auth/login", bind(ctx, handle_login));
  routes.add(http::method::post, "/auth/refresh", bind(ctx, handle_refresh));
  routes.add(http::method::post, "/auth/logout", bind(ctx, handle_logout));
  routes.add(http::method::get, "/auth/me", bind(ctx, handle_get_me));
  routes.add(http::method::put, "/auth/me", bind(ctx, handle_put_me));
  routes.add(http::method::put, "/admin/users/{id}/role", bind(ctx, handle_set_role));
  routes.add(http::method::post, "/internal/verify-token", bind_internal(ctx, handle_verify_token));
}

}  // namespace qm::auth
