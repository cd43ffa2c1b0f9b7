#include "services/auth/responses.hpp"

#include <algorithm>
#include <cctype>

#include "core/token/jwt.hpp"

namespace qm::auth {

std::optional<std::string_view> bearer_token(const http::request& req) {
  const auto value = req.headers.get("Authorization");
  constexpr std::string_view scheme = "Bearer ";
  if (!value || value->size() <= scheme.size() ||
      !http::iequals(value->substr(0, scheme.size()), scheme)) {
    return std::nullopt;
  }
  const std::string_view token = value->substr(scheme.size());
  if (token.size() > token::max_token_bytes) {
    return std::nullopt;
  }
  return token;
}

std::string user_body(const user& u) {
  json::writer w;
  w.begin_object().member("id", u.id).member("email", u.email).member("phone", u.phone);
  w.member("name", u.name).member("role", u.role).member("created_at", u.created_at);
  w.end_object();
  return w.finish();
}

http::response bad_input(const http::request_context& rc, const json::input_error& e) {
  if (e.field.empty()) {
    return http::error_response(400, "invalid_body", e.message, request_id(rc));
  }
  return http::error_response(400, "invalid_field", e.field + ": " + e.message, request_id(rc));
}

http::response unauthorized(const http::request_context& rc, std::string_view code,
                            std::string_view message) {
  auto r = http::error_response(401, code, message, request_id(rc));
  r.headers.set("WWW-Authenticate", "Bearer");
  return r;
}

http::response conflict(const http::request_context& rc, std::string_view message) {
  return http::error_response(409, "conflict", message, request_id(rc));
}

}  // namespace qm::auth
