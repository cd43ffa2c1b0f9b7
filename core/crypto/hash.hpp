#pragma once
// SHA-256 and HMAC-SHA256 over byte strings. Byte strings are std::string throughout the
// project (rt::random::bytes returns one), so digests are returned the same way.

#include <cstddef>
#include <string>
#include <string_view>

namespace qm::crypto {

inline constexpr std::size_t sha256_size = 32;

// The 32-byte SHA-256 digest of data.
std::string sha256(std::string_view data);

// The 32-byte HMAC-SHA256 of data under key (RFC 2104; any key length).
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace qm::crypto
