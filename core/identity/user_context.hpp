#pragma once
// The caller's identity as the gateway hands it to services: one header, signed by the
// gateway with HMAC-SHA256 under the context secret that the gateway and the services share.
// A service trusts the identity only when the signature verifies and the context has not
// expired, so a request sent straight to a service (around the gateway) with a made-up user
// id is refused: the network is not trusted to keep callers out.
//
// Wire form: "v1.<base64url(payload)>.<base64url(hmac)>" where payload is a flat JSON object
// {"uid":<int>,"role":"<role>","exp":<unix s>,"rid":"<request id>"} and the MAC covers
// "v1.<base64url(payload)>".

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.hpp"

namespace qm::identity {

// The header that carries the context (lower case, as headers are compared).
inline constexpr std::string_view context_header = "x-quickmart-context";

// Roles a user can hold (auth's users.role).
inline constexpr std::string_view role_customer = "customer";
inline constexpr std::string_view role_partner = "partner";
inline constexpr std::string_view role_admin = "admin";
// Not a user: another service of the cluster calling an /internal/* route. A service context
// has user id 0, and user routes refuse it just as internal routes refuse user contexts.
inline constexpr std::string_view role_service = "service";

// A context lives a short while: long enough for one request and the calls it makes, short
// enough that a captured header is soon useless.
inline constexpr std::int64_t context_lifetime_s = 60;

struct user_context {
  std::int64_t user_id = 0;
  std::string role;
  std::int64_t expires_at_s = 0;  // unix seconds
  std::string request_id;         // may be empty

  bool operator==(const user_context&) const = default;
};

enum class context_errc : std::uint8_t {
  missing,        // no header
  malformed,      // not the wire form, or a payload field is missing or out of bounds
  bad_signature,  // the MAC does not verify under the secret
  expired,        // now is past expires_at_s
};

std::string_view to_string(context_errc e);

// True when c can be signed: a known role with a positive user id (user id 0 for the service
// role), a request id of at most 64 characters from [A-Za-z0-9_-].
bool well_formed(const user_context& c);

// The header value for c. Precondition: well_formed(c) and a non-empty secret.
std::string sign(const user_context& c, std::string_view secret);

// The context a service signs for its own calls to another service's /internal/* routes.
user_context service_context(std::int64_t now_s, std::string request_id);

// The context in value when it is well-formed, signed under secret and not expired at now_s.
result<user_context, context_errc> verify(std::string_view value, std::string_view secret,
                                          std::int64_t now_s);

}  // namespace qm::identity
