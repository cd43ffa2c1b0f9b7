#include "core/crypto/hash.hpp"
// Before any other OpenSSL header: it decides how they declare the low-level SHA-256 calls.
#include "core/crypto/keyed_hmac.hpp"

#include <openssl/crypto.h>

#include <array>
#include <cstring>

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

std::string_view bytes_of(const detail::sha256_digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};
}

}  // namespace

namespace detail {

keyed_hmac::~keyed_hmac() {
  OPENSSL_cleanse(key_.data(), key_.size());
  OPENSSL_cleanse(&inner_, sizeof inner_);
  OPENSSL_cleanse(&outer_, sizeof outer_);
}

void keyed_hmac::rekey(std::string_view key) {
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

sha256_digest keyed_hmac::mac(std::initializer_list<std::string_view> parts) const {
  QM_ASSERT_MSG(keyed_, "a MAC under no key");
  sha256_digest inner_digest{};
  SHA256_CTX inner = inner_;
  for (const std::string_view part : parts) {
    update(inner, part);
  }
  finish(inner, inner_digest.data());
  sha256_digest out{};
  SHA256_CTX outer = outer_;
  update(outer, bytes_of(inner_digest));
  finish(outer, out.data());
  return out;
}

}  // namespace detail

std::string sha256(std::string_view data) {
  std::string out(sha256_size, '\0');
  SHA256_CTX ctx;
  start(ctx);
  update(ctx, data);
  finish(ctx, reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

namespace {

// The keyed states of the last few keys used on this thread. A process holds a handful of
// secrets (a token key, the context key); in the simulator every service shares the thread,
// so one slot would be rekeyed on almost every call.
class keyed_hmac_slots {
 public:
  std::string compute(std::string_view key, std::string_view data) {
    return std::string(bytes_of(keyed_with(key).mac({data})));
  }

 private:
  detail::keyed_hmac& keyed_with(std::string_view key) {
    for (auto& slot : slots_) {
      if (slot.holds(key)) {
        return slot;
      }
    }
    // Round-robin replacement: with more keys than slots, each gets its turn.
    detail::keyed_hmac& victim = slots_[next_victim_];
    next_victim_ = (next_victim_ + 1) % slots_.size();
    victim.rekey(key);
    return victim;
  }

  std::array<detail::keyed_hmac, 4> slots_;
  std::size_t next_victim_ = 0;
};

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  thread_local keyed_hmac_slots state;
  return state.compute(key, data);
}

}  // namespace qm::crypto
