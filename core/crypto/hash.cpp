#include "core/crypto/hash.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/base/assert.hpp"

namespace qm::crypto {

namespace {
// OpenSSL wants non-null pointers even for empty input.
const unsigned char* bytes_of(std::string_view s) {
  static const unsigned char empty = 0;
  return s.empty() ? &empty : reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

std::string sha256(std::string_view data) {
  std::string out(sha256_size, '\0');
  unsigned int len = 0;
  const int rc = EVP_Digest(bytes_of(data), data.size(),
                            reinterpret_cast<unsigned char*>(out.data()), &len, EVP_sha256(),
                            nullptr);
  // A failure here means a broken OpenSSL installation, not bad input.
  QM_ASSERT_MSG(rc == 1 && len == sha256_size, "EVP_Digest(sha256) failed");
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::string out(sha256_size, '\0');
  unsigned int len = 0;
  const unsigned char* rc =
      HMAC(EVP_sha256(), bytes_of(key), static_cast<int>(key.size()), bytes_of(data), data.size(),
           reinterpret_cast<unsigned char*>(out.data()), &len);
  QM_ASSERT_MSG(rc != nullptr && len == sha256_size, "HMAC(sha256) failed");
  return out;
}

}  // namespace qm::crypto
