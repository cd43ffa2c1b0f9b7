#include "core/crypto/hash.hpp"

#include <array>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "core/base/assert.hpp"

namespace qm::crypto {

namespace {

// OpenSSL wants non-null pointers even for empty input.
const unsigned char* bytes_of(std::string_view s) {
  static const unsigned char empty = 0;
  return s.empty() ? &empty : reinterpret_cast<const unsigned char*>(s.data());
}

EVP_MAC* hmac_algorithm() {
  // Fetched once per process (thread-safe static initialisation); never freed, like OpenSSL's
  // own default algorithms.
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  QM_ASSERT_MSG(mac != nullptr, "OpenSSL has no HMAC");
  return mac;
}

// A keyed HMAC state: its inner and outer pads already hashed, so each use hashes only the
// message, about a quarter of the one-shot cost.
// The key comparison below is not constant-time; that is fine because keys are the
// service's own secrets, never attacker input.
class keyed_hmac {
 public:
  keyed_hmac() = default;
  keyed_hmac(const keyed_hmac&) = delete;
  keyed_hmac& operator=(const keyed_hmac&) = delete;
  ~keyed_hmac() { EVP_MAC_CTX_free(ctx_); }

  bool holds(std::string_view key) const { return ctx_ != nullptr && key == key_; }

  std::string compute(std::string_view key, std::string_view data) {
    if (ctx_ == nullptr || key != key_) {
      rekey(key);
    } else {
      // A null key restarts the computation with the key already set.
      const int rc = EVP_MAC_init(ctx_, nullptr, 0, nullptr);
      QM_ASSERT_MSG(rc == 1, "EVP_MAC_init(reuse) failed");
    }
    int rc = EVP_MAC_update(ctx_, bytes_of(data), data.size());
    QM_ASSERT_MSG(rc == 1, "EVP_MAC_update failed");
    std::string out(sha256_size, '\0');
    std::size_t len = 0;
    rc = EVP_MAC_final(ctx_, reinterpret_cast<unsigned char*>(out.data()), &len, out.size());
    QM_ASSERT_MSG(rc == 1 && len == sha256_size, "EVP_MAC_final failed");
    return out;
  }

 private:
  void rekey(std::string_view key) {
    EVP_MAC_CTX_free(ctx_);
    ctx_ = EVP_MAC_CTX_new(hmac_algorithm());
    QM_ASSERT_MSG(ctx_ != nullptr, "EVP_MAC_CTX_new failed");
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    const int rc = EVP_MAC_init(ctx_, bytes_of(key), key.size(), params);
    QM_ASSERT_MSG(rc == 1, "EVP_MAC_init failed");
    key_.assign(key);
  }

  std::string key_;
  EVP_MAC_CTX* ctx_ = nullptr;
};

// A SHA-256 digest state reused call after call. EVP_Digest with EVP_sha256() looks the
// algorithm up in the provider tables and allocates a fresh context on every call, which costs
// more than hashing the few hundred bytes a caller passes.
class sha256_state {
 public:
  sha256_state() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
    QM_ASSERT_MSG(md_ != nullptr && ctx_ != nullptr, "OpenSSL has no SHA-256");
  }
  sha256_state(const sha256_state&) = delete;
  sha256_state& operator=(const sha256_state&) = delete;
  ~sha256_state() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }

  std::string digest(std::string_view data) {
    std::string out(sha256_size, '\0');
    unsigned int len = 0;
    const bool ok = EVP_DigestInit_ex2(ctx_, md_, nullptr) == 1 &&
                    EVP_DigestUpdate(ctx_, bytes_of(data), data.size()) == 1 &&
                    EVP_DigestFinal_ex(ctx_, reinterpret_cast<unsigned char*>(out.data()), &len) == 1;
    // A failure here means a broken OpenSSL installation, not bad input.
    QM_ASSERT_MSG(ok && len == sha256_size, "SHA-256 failed");
    return out;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::string sha256(std::string_view data) {
  thread_local sha256_state state;
  return state.digest(data);
}

// The keyed states of the last few keys used on this thread. A process holds a handful of
// secrets (a token key, the context key); in the simulator every service shares the thread,
// so one slot would be rekeyed on almost every call.
class keyed_hmac_slots {
 public:
  std::string compute(std::string_view key, std::string_view data) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].holds(key)) {
        return slots_[i].compute(key, data);
      }
    }
    // Round-robin replacement: with more keys than slots, each gets its turn.
    keyed_hmac& victim = slots_[next_victim_];
    next_victim_ = (next_victim_ + 1) % slots_.size();
    return victim.compute(key, data);
  }

 private:
  std::array<keyed_hmac, 4> slots_;
  std::size_t next_victim_ = 0;
};

std::string hmac_sha256(std::string_view key, std::string_view data) {
  thread_local keyed_hmac_slots state;
  return state.compute(key, data);
}

}  // namespace qm::crypto
