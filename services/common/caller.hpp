#pragma once
// Who is calling: the gateway authenticates the client and hands each service the caller's
// identity in one signed header (core/identity/user_context.hpp). Services never read a user
// id from anywhere else, and refuse a request whose context is missing, forged or expired.

#include <cstdint>
#include <string>
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

// This service's own context for its calls to another service's /internal/* routes, signed
// once and reused until half its lifetime has passed: an HMAC per internal call would be the
// largest cost of a cheap call. The request id travels in X-Request-ID, not in the context.
class service_signature {
 public:
  explicit service_signature(std::string context_secret) : secret_(std::move(context_secret)) {}
  const std::string& header_value(time_point now);

 private:
  std::string secret_;
  std::string value_;
  std::int64_t renew_at_s_ = 0;
};

// Copies the caller's context header (and request id) from rc onto a request this service
// makes on the caller's behalf, so the next service sees the same verified caller.
void pass_caller(const http::request_context& rc, http::request& onward);

}  // namespace qm::services
