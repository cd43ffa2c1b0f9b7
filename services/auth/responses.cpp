#include "services/auth/responses.hpp"

#include <algorithm>
#include <cctype>

#include "core/token/jwt.hpp"

namespace qm::auth {

std::string_view request_id(const http::request_context& rc) {
  const auto id = rc.request.headers.get("X-Request-ID");
  if (!id || id->empty() || id->size() > 64) {
    return {};
  }
  const bool ok = std::all_of(id->begin(), id->end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
  return ok ? *id : std::string_view{};
}

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

json::object user_json(const user& u) {
  json::object o;
  o["id"] = u.id;
  o["email"] = u.email ? json::value(*u.email) : json::value(nullptr);
  o["phone"] = u.phone ? json::value(*u.phone) : json::value(nullptr);
  o["name"] = u.name;
  o["role"] = u.role;
  o["created_at"] = u.created_at;
  return o;
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

http::response db_failure(const http::request_context& rc, rt::logger& log, std::string_view op,
                          const sql::error& e) {
  if (sql::is_transient(e.code)) {
    log.warn("database unavailable", {{"op", std::string(op)},
                                      {"code", std::string(sql::to_string(e.code))},
                                      {"request_id", std::string(request_id(rc))}});
    auto r = http::error_response(503, "unavailable",
                                  "the service is temporarily unavailable; retry shortly",
                                  request_id(rc));
    r.headers.set("Retry-After", "1");
    return r;
  }
  log.error("database error", {{"op", std::string(op)},
                               {"code", std::string(sql::to_string(e.code))},
                               {"message", e.message},
                               {"request_id", std::string(request_id(rc))}});
  return http::error_response(500, "internal", "internal error", request_id(rc));
}

}  // namespace qm::auth
