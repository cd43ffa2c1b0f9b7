#include "services/common/caller.hpp"

#include <string>

#include "services/common/replies.hpp"

namespace qm::services {

namespace {

// The reason stays out of the reply: a prober learns nothing about why it failed.
caller_result refused(const http::request_context& rc) {
  auto r = http::error_response(401, "unauthenticated", "authentication required",
                                request_id(rc));
  r.headers.set("WWW-Authenticate", "Bearer");
  return make_unexpected(std::move(r));
}

// The verified context of rc when its role is (service) or is not (user) the service role.
caller_result verified_context(const http::request_context& rc, std::string_view context_secret,
                               time_point now, bool want_service) {
  const auto header = rc.request.headers.get(identity::context_header);
  auto verified = identity::verify(header.value_or(std::string_view{}), context_secret,
                                   to_unix_seconds(now));
  if (!verified || (verified->role == identity::role_service) != want_service) {
    return refused(rc);
  }
  if (rc.scope && !want_service) {
    rc.scope->user_id = verified->user_id;  // the access log names the caller
  }
  return std::move(*verified);
}

}  // namespace

caller_result authenticate(const http::request_context& rc, std::string_view context_secret,
                           time_point now) {
  return verified_context(rc, context_secret, now, false);
}

caller_result authenticate_service(const http::request_context& rc,
                                   std::string_view context_secret, time_point now) {
  return verified_context(rc, context_secret, now, true);
}

const std::string& service_signature::header_value(time_point now) {
  const std::int64_t now_s = to_unix_seconds(now);
  if (value_.empty() || now_s >= renew_at_s_) {
    value_ = identity::sign(identity::service_context(now_s, ""), secret_);
    renew_at_s_ = now_s + identity::context_lifetime_s / 2;
  }
  return value_;
}

caller_result authenticate_role(const http::request_context& rc, std::string_view context_secret,
                                time_point now, std::string_view role) {
  auto caller = authenticate(rc, context_secret, now);
  if (!caller) {
    return caller;
  }
  if (caller->role != role && caller->role != identity::role_admin) {
    return make_unexpected(http::error_response(
        403, "forbidden", "this needs the " + std::string(role) + " role", request_id(rc)));
  }
  return caller;
}

void pass_caller(const http::request_context& rc, http::request& onward) {
  if (const auto ctx = rc.request.headers.get(identity::context_header)) {
    onward.headers.set(std::string(identity::context_header), std::string(*ctx));
  }
  if (const auto id = request_id(rc); !id.empty()) {
    onward.headers.set("X-Request-ID", std::string(id));
  }
}

}  // namespace qm::services
