#pragma once
// What a token says: who (sub, role), what kind (typ), which token (jti), which refresh
// family it belongs to (fam, refresh tokens only) and when it was issued and expires.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qm::token {

enum class token_type : std::uint8_t { access, refresh };

std::string_view to_string(token_type t);
std::optional<token_type> token_type_from_string(std::string_view s);

struct claims {
  std::string sub;  // the user id
  std::string role;
  token_type typ = token_type::access;
  std::string jti;
  std::string fam;  // refresh tokens: the rotation family; empty for access tokens
  std::int64_t iat = 0;  // unix seconds
  std::int64_t exp = 0;  // unix seconds

  bool operator==(const claims&) const = default;
};

// Bounds on claim values. Claim strings are printable ASCII without spaces (ids and role
// names), so a token never carries text that could confuse a log line or a header.
inline constexpr std::size_t max_sub_len = 64;
inline constexpr std::size_t max_role_len = 32;
inline constexpr std::size_t max_jti_len = 64;
inline constexpr std::size_t max_fam_len = 64;
inline constexpr std::int64_t max_timestamp_s = std::int64_t{1} << 40;

bool is_claim_text(std::string_view s, std::size_t min_len, std::size_t max_len);

// True when c is a set of claims this codec will encode and accept: bounded printable
// strings, fam present exactly for refresh tokens, 0 <= iat <= exp <= max_timestamp_s.
bool well_formed(const claims& c);

}  // namespace qm::token
