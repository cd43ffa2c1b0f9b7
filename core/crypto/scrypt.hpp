#pragma once
// scrypt (RFC 7914), the memory-hard key derivation used for password hashes. Parameters are
// validated before any work: N a power of two, bounded r, p and key length, and a bound on the
// memory one derivation may take, so a stored hash with absurd parameters cannot exhaust a node.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.hpp"

namespace qm::crypto {

struct scrypt_params {
  std::uint64_t n = 16384;  // CPU/memory cost, a power of two
  std::uint32_t r = 8;      // block size
  std::uint32_t p = 1;      // parallelism
  std::size_t key_len = 32;
};

inline constexpr std::uint64_t scrypt_max_n = std::uint64_t{1} << 20;
inline constexpr std::uint32_t scrypt_max_r = 32;
inline constexpr std::uint32_t scrypt_max_p = 16;
inline constexpr std::size_t scrypt_max_key_len = 128;
inline constexpr std::uint64_t scrypt_max_memory_bytes = std::uint64_t{64} << 20;

enum class scrypt_errc : std::uint8_t {
  bad_params,     // N not a power of two >= 2, or r, p, key length out of bounds
  memory_bound,   // 128 * r * (N + p) bytes above scrypt_max_memory_bytes
};

std::string_view to_string(scrypt_errc e);

// The memory a derivation needs, in bytes: V (N blocks of 128r bytes) plus B (p of them).
std::uint64_t scrypt_memory_bytes(const scrypt_params& params);

// Validates params without deriving anything.
result<void, scrypt_errc> validate(const scrypt_params& params);

// The derived key of params.key_len bytes.
result<std::string, scrypt_errc> scrypt(std::string_view password, std::string_view salt,
                                        const scrypt_params& params);

}  // namespace qm::crypto
