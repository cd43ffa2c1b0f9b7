#include "core/token/claims.hpp"

#include <algorithm>

namespace qm::token {

std::string_view to_string(token_type t) {
  switch (t) {
    case token_type::access: return "access";
    case token_type::refresh: return "refresh";
  }
  return "unknown";
}

std::optional<token_type> token_type_from_string(std::string_view s) {
  if (s == "access") {
    return token_type::access;
  }
  if (s == "refresh") {
    return token_type::refresh;
  }
  return std::nullopt;
}

bool is_claim_text(std::string_view s, std::size_t min_len, std::size_t max_len) {
  return s.size() >= min_len && s.size() <= max_len &&
         std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

bool well_formed(const claims& c) {
  const bool fam_ok = c.typ == token_type::refresh ? is_claim_text(c.fam, 1, max_fam_len)
                                                   : c.fam.empty();
  return is_claim_text(c.sub, 1, max_sub_len) && is_claim_text(c.role, 1, max_role_len) &&
         is_claim_text(c.jti, 1, max_jti_len) && fam_ok && c.iat >= 0 && c.iat <= c.exp &&
         c.exp <= max_timestamp_s;
}

}  // namespace qm::token
