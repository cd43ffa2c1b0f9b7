#pragma once
// Password hashes: scrypt with a per-user 16-byte salt, stored as one self-describing text
// "scrypt$N$r$p$<salt>$<hash>" (salt and hash base64url). A hash keeps its own parameters, so
// raising the cost later leaves old hashes verifiable.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/crypto/scrypt.hpp"

namespace qm::auth {

inline constexpr std::size_t salt_bytes = 16;
inline constexpr std::size_t hash_bytes = 32;
inline constexpr std::uint32_t scrypt_r = 8;
inline constexpr std::uint32_t scrypt_p = 1;

// The parameters for new hashes at cost n (a power of two; validated by the settings).
crypto::scrypt_params password_params(std::uint64_t n);

// The encoded hash of password with salt (salt_bytes long, from the runtime's random).
std::string hash_password(std::string_view password, std::string_view salt,
                          const crypto::scrypt_params& params);

// True when password matches encoded. A malformed encoding, or parameters outside the scrypt
// bounds, never matches.
bool verify_password(std::string_view password, std::string_view encoded);

// A hash no password matches in practice, with the given cost: logging in as an unknown user
// runs verify_password against it so the reply takes as long as for a known user.
std::string dummy_hash(const crypto::scrypt_params& params);

}  // namespace qm::auth
