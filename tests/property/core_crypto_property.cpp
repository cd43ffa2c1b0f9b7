// Properties: the library's own scrypt and HMAC-SHA256 give OpenSSL's answers for any input.
// scrypt is written out from RFC 7914 (for speed); OpenSSL's EVP_PBE_scrypt is the reference,
// over small N so a case takes microseconds, and every r and p up to where the block layout
// could go wrong (several 64-byte Salsa blocks per BlockMix, several p blocks in B).

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>

#include "core/crypto/hash.hpp"
#include "core/crypto/scrypt.hpp"

namespace qm::crypto {
namespace {

std::string openssl_scrypt(const std::string& password, const std::string& salt,
                           const scrypt_params& p) {
  std::string out(p.key_len, '\0');
  const int rc = EVP_PBE_scrypt(password.data(), password.size(),
                                reinterpret_cast<const unsigned char*>(salt.data()), salt.size(),
                                p.n, p.r, p.p, 0, reinterpret_cast<unsigned char*>(out.data()),
                                out.size());
  RC_ASSERT(rc == 1);
  return out;
}

std::string openssl_hmac(const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const unsigned char* rc = HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                                 reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                                 out, &len);
  RC_ASSERT(rc != nullptr);
  return std::string(reinterpret_cast<const char*>(out), len);
}

// Byte strings of any byte, up to max_len long.
rc::Gen<std::string> bytes(std::size_t max_len) {
  return rc::gen::container<std::string>(
      *rc::gen::inRange<std::size_t>(0, max_len + 1),
      rc::gen::cast<char>(rc::gen::inRange<int>(0, 256)));
}

RC_GTEST_PROP(scrypt_property, matches_openssl_for_any_password_salt_and_parameters, ()) {
  // Passwords past 64 bytes exercise the HMAC key that is hashed first.
  const auto password = *bytes(100);
  const auto salt = *bytes(80);
  scrypt_params p;
  p.n = std::uint64_t{1} << *rc::gen::inRange(1, 7);
  p.r = *rc::gen::inRange<std::uint32_t>(1, 5);
  p.p = *rc::gen::inRange<std::uint32_t>(1, 4);
  p.key_len = *rc::gen::inRange<std::size_t>(1, scrypt_max_key_len + 1);
  const auto ours = scrypt(password, salt, p);
  RC_ASSERT(ours.ok());
  RC_ASSERT(*ours == openssl_scrypt(password, salt, p));
}

RC_GTEST_PROP(hmac_sha256_property, matches_openssl_for_any_key_and_message, ()) {
  // Keys around the 64-byte block size, and several keys in turn, exercise the kept states.
  const auto keys = *rc::gen::container<std::vector<std::string>>(
      *rc::gen::inRange<std::size_t>(1, 7), bytes(130));
  const auto data = *bytes(300);
  for (int round = 0; round < 2; ++round) {
    for (const auto& key : keys) {
      RC_ASSERT(hmac_sha256(key, data) == openssl_hmac(key, data));
    }
  }
}

}  // namespace
}  // namespace qm::crypto
