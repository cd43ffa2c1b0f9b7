#pragma once
// A keyed HMAC-SHA256 (RFC 2104) for the crypto library's own files (hash.cpp, scrypt.cpp):
// the SHA-256 states after absorbing the key's inner and outer pads, so each MAC under the key
// hashes only its message and the inner digest.
//
// SHA-256 goes through OpenSSL's low-level interface (SHA256_Init/Update/Final), which
// OpenSSL 3 marks deprecated in favour of EVP. It is kept on purpose: its state is a plain
// struct, so a MAC can start from a copy of the pre-keyed states. Through EVP, every digest
// looks the algorithm up in the provider tables, and every HMAC copies provider contexts on
// the heap and walks parameter lists; that was ~4% of a simulated run, against the two
// compressions of a short message it is for. Both paths run the same assembly.
// Not part of the library's interface: it brings OpenSSL's header with it.

#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/crypto/hash.hpp"

namespace qm::crypto::detail {

using sha256_digest = std::array<unsigned char, sha256_size>;

class keyed_hmac {
 public:
  keyed_hmac() = default;
  explicit keyed_hmac(std::string_view key) { rekey(key); }
  // The key and the states drawn from it are wiped: a password being hashed is a key too.
  ~keyed_hmac();
  keyed_hmac(const keyed_hmac&) = delete;
  keyed_hmac& operator=(const keyed_hmac&) = delete;

  // Whether this is keyed with key. Not constant-time: keys are the process's own secrets or
  // a password being hashed, never compared against attacker-chosen keys.
  bool holds(std::string_view key) const { return keyed_ && key == key_; }

  void rekey(std::string_view key);

  // The MAC of the concatenation of parts.
  sha256_digest mac(std::initializer_list<std::string_view> parts) const;

 private:
  std::string key_;
  SHA256_CTX inner_{};
  SHA256_CTX outer_{};
  bool keyed_ = false;
};

}  // namespace qm::crypto::detail
