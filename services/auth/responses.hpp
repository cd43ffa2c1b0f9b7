#pragma once
// The auth service's reply shapes: users as JSON, and the one place where an input error,
// an authentication failure or a database failure becomes an HTTP status.
//
// 400 {"error":{"code":"invalid_field","message":"<field>: <message>"}} for a field, or
//     code "invalid_body" when the body as a whole is wrong (not JSON, too large);
// 401 with WWW-Authenticate: Bearer, never saying which part of a credential was wrong;
// 503 "unavailable" with Retry-After: 1 for transient database errors, 500 for the rest.

#include <optional>
#include <string>
#include <string_view>

#include "core/http/router.hpp"
#include "core/json/json.hpp"
#include "core/sql/sql.hpp"
#include "runtime/logger.hpp"
#include "services/common/replies.hpp"
#include "services/auth/store.hpp"

namespace qm::auth {

using services::request_id;
using services::db_failure;

// The token of an "Authorization: Bearer <token>" header.
std::optional<std::string_view> bearer_token(const http::request& req);

// {"id","email","phone","name","role","created_at"}, email and phone null when absent,
// written straight into its text (json::writer).
std::string user_body(const user& u);

http::response bad_input(const http::request_context& rc, const json::input_error& e);
http::response unauthorized(const http::request_context& rc, std::string_view code,
                            std::string_view message);
http::response conflict(const http::request_context& rc, std::string_view message);

}  // namespace qm::auth
