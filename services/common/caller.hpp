#pragma once
// Who is calling: the gateway authenticates the client and hands each service the caller's
// identity in one signed header (core/identity/user_context.hpp). Services never read a user
// id from anywhere else, and refuse a request whose context is missing, forged or expired.

#include <string_view>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/http/message.hpp"
#include "core/http/router.hpp"
#include "core/identity/user_context.hpp"

namespace qm::services {

using caller_result = result<identity::user_context, http::response>;

// The verified caller of rc, or the reply to send: 401 "unauthenticated" when the context is
// missing, malformed, forged, expired, or a service's context rather than a user's.
caller_result authenticate(const http::request_context& rc, std::string_view context_secret,
                           time_point now);

// As authenticate, and 403 "forbidden" unless the caller holds role (an admin holds every role).
caller_result authenticate_role(const http::request_context& rc, std::string_view context_secret,
                                time_point now, std::string_view role);

// The verified service context of a call to an /internal/* route, or 401 "unauthenticated"
// (a user's context, even an admin's, does not open internal routes).
caller_result authenticate_service(const http::request_context& rc,
                                   std::string_view context_secret, time_point now);

// Signs this service's own context onto a call to another service's /internal/* route, with
// the request id it acts for (dropped when not well-formed).
void sign_service_call(http::request& onward, std::string_view context_secret, time_point now,
                       std::string_view request_id);

// Copies the caller's context header (and request id) from rc onto a request this service
// makes on the caller's behalf, so the next service sees the same verified caller.
void pass_caller(const http::request_context& rc, http::request& onward);

}  // namespace qm::services
