#include "core/crypto/scrypt.hpp"

#include <openssl/evp.h>

namespace qm::crypto {

std::string_view to_string(scrypt_errc e) {
  switch (e) {
    case scrypt_errc::bad_params: return "bad_params";
    case scrypt_errc::memory_bound: return "memory_bound";
    case scrypt_errc::failed: return "failed";
  }
  return "unknown";
}

std::uint64_t scrypt_memory_bytes(const scrypt_params& params) {
  // Callers validate the bounds first, so the product cannot overflow 64 bits:
  // 128 * 32 * (2^20 + 16) < 2^33.
  return std::uint64_t{128} * params.r * (params.n + params.p);
}

result<void, scrypt_errc> validate(const scrypt_params& params) {
  const bool n_ok = params.n >= 2 && params.n <= scrypt_max_n && (params.n & (params.n - 1)) == 0;
  const bool r_ok = params.r >= 1 && params.r <= scrypt_max_r;
  const bool p_ok = params.p >= 1 && params.p <= scrypt_max_p;
  const bool len_ok = params.key_len >= 1 && params.key_len <= scrypt_max_key_len;
  if (!n_ok || !r_ok || !p_ok || !len_ok) {
    return make_unexpected(scrypt_errc::bad_params);
  }
  if (scrypt_memory_bytes(params) > scrypt_max_memory_bytes) {
    return make_unexpected(scrypt_errc::memory_bound);
  }
  return ok_v;
}

result<std::string, scrypt_errc> scrypt(std::string_view password, std::string_view salt,
                                        const scrypt_params& params) {
  if (auto v = validate(params); !v) {
    return make_unexpected(v.error());
  }
  std::string out(params.key_len, '\0');
  // OpenSSL's own limit is set a little above ours so only our validation decides.
  const std::uint64_t maxmem = scrypt_max_memory_bytes + (std::uint64_t{1} << 20);
  // A default string_view has a null data pointer; OpenSSL gets a real (empty) buffer instead.
  static const char empty[1] = {0};
  const char* pass = password.empty() ? empty : password.data();
  const char* salt_bytes = salt.empty() ? empty : salt.data();
  const int rc = EVP_PBE_scrypt(pass, password.size(),
                                reinterpret_cast<const unsigned char*>(salt_bytes), salt.size(),
                                params.n, params.r, params.p, maxmem,
                                reinterpret_cast<unsigned char*>(out.data()), out.size());
  if (rc != 1) {
    return make_unexpected(scrypt_errc::failed);
  }
  return out;
}

}  // namespace qm::crypto
