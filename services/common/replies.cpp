#include "services/common/replies.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "core/resilience/dependency_down.hpp"

namespace qm::services {

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

void write_error_member(json::writer& w, std::string_view code, std::string_view message,
                        std::string_view request_id) {
  w.key("error").begin_object();
  w.member("code", code).member("message", message).member("request_id", request_id);
  w.end_object();
}

http::response db_failure(const http::request_context& rc, rt::logger& log, std::string_view op,
                          const sql::error& e) {
  if (sql::is_transient(e.code)) {
    log.warn(rc.scope.get(), "database unavailable",
             {{"op", std::string(op)}, {"code", std::string(sql::to_string(e.code))}});
    auto r = http::error_response(503, "unavailable",
                                  "the service is temporarily unavailable; retry shortly",
                                  request_id(rc));
    r.headers.set("Retry-After", "1");
    return r;
  }
  log.error(rc.scope.get(), "database error",
            {{"op", std::string(op)},
             {"code", std::string(sql::to_string(e.code))},
             {"message", e.message}});
  return http::error_response(500, "internal", "internal error", request_id(rc));
}

http::response dependency_unavailable(const http::request_context& rc, std::string_view dependency,
                                      std::string_view message) {
  auto r = http::error_response(503, "upstream_unavailable", message, request_id(rc));
  r.headers.set("Retry-After", "1");
  if (!dependency.empty()) {
    r.headers.set(std::string(resilience::dependency_down_header), std::string(dependency));
  }
  return r;
}

}  // namespace qm::services
