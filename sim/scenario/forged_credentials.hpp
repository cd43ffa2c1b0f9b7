#pragma once
// What hostile clients send in the simulator: tokens the gateway must refuse and identity
// headers the services must refuse. Each is built the way an attacker could build it (a key
// of their own, no signature, a replayed expired token), except the two that need auth's real
// secret to show a refusal that is not merely a bad signature: an expired access token and a
// refresh token presented as an access token.

#include <cstdint>
#include <string>
#include <string_view>

namespace qm::sim {

// The attackers' own signing key (long enough and no placeholder, so a scenario can hand it
// to a service to show what a leaked key would let through).
inline constexpr std::string_view attacker_key = "sim-attacker-key-4f1c9a7e2b5d8036c1e9f4a7b2d5e803";
// Forged identities claim the user ids forged_user_base .. + forged_user_count - 1. Auth
// draws real ids at random below 2^53, so a real account among these hundred is a 1-in-10^13
// chance: a row for such a user in a service's database was written on a forged word.
inline constexpr std::int64_t forged_user_base = 900'000'000;
inline constexpr std::int64_t forged_user_count = 100;

enum class bad_token : std::uint8_t {
  random_text,         // not a token at all
  wrong_key,           // a well-formed access token signed with the attacker's key
  alg_none,            // header alg "none", no signature
  expired,             // signed with the real secret, expired a while ago
  refresh_as_access,   // a genuine-looking refresh token where an access token belongs
  count
};

std::string_view to_string(bad_token k);

// A token of kind k for user_id at now_s. real_secret may be empty: the kinds that need it
// are then signed with the attacker's key (still refused, for the signature alone).
std::string make_bad_token(bad_token k, std::int64_t user_id, std::int64_t now_s,
                           std::string_view real_secret, std::uint64_t noise);

// An x-quickmart-context for user_id with role, signed with the attacker's key.
std::string forged_context(std::int64_t user_id, std::string_view role, std::int64_t now_s);
// The same context with its MAC cut off ("v1.<payload>."), and with a MAC of zeros.
std::string unsigned_context(std::int64_t user_id, std::string_view role, std::int64_t now_s);
std::string zero_mac_context(std::int64_t user_id, std::string_view role, std::int64_t now_s);

}  // namespace qm::sim
