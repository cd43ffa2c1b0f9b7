#pragma once
// The HS256 JSON Web Token codec (RFC 7519 compact form, HMAC-SHA256 only).
//
// verify() checks, in order: size and shape (three base64url segments), the header (alg must
// be exactly "HS256": "none", "RS256" or a missing alg are refused, so a token can never pick
// its own verification), the signature (constant-time), and only then parses the claims and
// checks their time window. The reason is for logs and metrics; callers answering a client
// must not reveal it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/token/claims.hpp"

namespace qm::token {

enum class token_error : std::uint8_t {
  malformed,      // not three canonical base64url segments, bad JSON, missing/extra/mistyped claims
  bad_alg,        // header alg is anything but "HS256"
  bad_signature,  // signature does not match
  expired,        // now >= exp (after leeway)
  not_yet_valid,  // iat lies in the future (after leeway)
};

std::string_view to_string(token_error e);

inline constexpr std::size_t max_token_bytes = 4096;
// Secrets shorter than this are refused by services at start; the codec only asserts non-empty.
inline constexpr std::size_t min_secret_bytes = 32;

// The signed token for c. c must be well_formed (a caller bug otherwise) and secret non-empty.
std::string encode(const claims& c, std::string_view secret);

// The claims of token if it is valid at now. leeway widens the time window on both sides for
// clocks that disagree a little.
result<claims, token_error> verify(std::string_view token, std::string_view secret,
                                   time_point now, duration leeway = duration{0});

}  // namespace qm::token
