#include "core/crypto/hash.hpp"

#include <array>
#include <cstring>

// SHA-256 through OpenSSL's low-level interface (SHA256_Init/Update/Final), which OpenSSL 3
// marks deprecated in favour of EVP. It is kept on purpose: its state is a plain struct, so an
// HMAC can start from a copy of its pre-keyed inner and outer states. Through EVP, every
// digest looks the algorithm up in the provider tables, and every HMAC copies provider
// contexts on the heap and walks parameter lists; that was ~4% of a simulated run, against
// the two compressions of a short message it is for. Both paths run the same assembly.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "core/base/assert.hpp"

namespace qm::crypto {

namespace {

constexpr std::size_t sha256_block_size = 64;

void update(SHA256_CTX& ctx, std::string_view data) {
  const int rc = SHA256_Update(&ctx, data.data(), data.size());
  // A failure here means a broken OpenSSL installation, not bad input.
  QM_ASSERT_MSG(rc == 1, "SHA256_Update failed");
}

void start(SHA256_CTX& ctx) {
  const int rc = SHA256_Init(&ctx);
  QM_ASSERT_MSG(rc == 1, "SHA256_Init failed");
}

void finish(SHA256_CTX& ctx, unsigned char* out) {
  const int rc = SHA256_Final(out, &ctx);
  QM_ASSERT_MSG(rc == 1, "SHA256_Final failed");
}

// A keyed HMAC-SHA256 (RFC 2104): the SHA-256 states after absorbing the key's inner and
// outer pads, so each use hashes only the message and the inner digest.
// The key comparison below is not constant-time; that is fine because keys are the
// service's own secrets, never attacker input.
class keyed_hmac {
 public:
  bool holds(std::string_view key) const { return keyed_ && key == key_; }

  std::string compute(std::string_view key, std::string_view data) {
    if (!holds(key)) {
      rekey(key);
    }
    std::array<unsigned char, sha256_size> inner_digest{};
    SHA256_CTX inner = inner_;
    update(inner, data);
    finish(inner, inner_digest.data());
    std::string out(sha256_size, '\0');
    SHA256_CTX outer = outer_;
    update(outer, std::string_view(reinterpret_cast<const char*>(inner_digest.data()),
                                   inner_digest.size()));
    finish(outer, reinterpret_cast<unsigned char*>(out.data()));
    return out;
  }

 private:
  void rekey(std::string_view key) {
    // A key longer than a block is replaced by its digest; a shorter one is zero-padded.
    std::array<unsigned char, sha256_block_size> block{};
    if (key.size() > sha256_block_size) {
      SHA256_CTX h;
      start(h);
      update(h, key);
      finish(h, block.data());
    } else if (!key.empty()) {
      std::memcpy(block.data(), key.data(), key.size());
    }
    std::array<unsigned char, sha256_block_size> pad{};
    for (std::size_t i = 0; i < block.size(); ++i) {
      pad[i] = static_cast<unsigned char>(block[i] ^ 0x36);
    }
    start(inner_);
    update(inner_, std::string_view(reinterpret_cast<const char*>(pad.data()), pad.size()));
    for (std::size_t i = 0; i < block.size(); ++i) {
      pad[i] = static_cast<unsigned char>(block[i] ^ 0x5c);
    }
    start(outer_);
    update(outer_, std::string_view(reinterpret_cast<const char*>(pad.data()), pad.size()));
    key_.assign(key);
    keyed_ = true;
  }

  std::string key_;
  SHA256_CTX inner_{};
  SHA256_CTX outer_{};
  bool keyed_ = false;
};

}  // namespace

std::string sha256(std::string_view data) {
  std::string out(sha256_size, '\0');
  SHA256_CTX ctx;
  start(ctx);
  update(ctx, data);
  finish(ctx, reinterpret_cast<unsigned char*>(out.data()));
  return out;
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
