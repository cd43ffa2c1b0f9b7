#include "core/crypto/scrypt.hpp"
// Before any other OpenSSL header: it decides how they declare the low-level SHA-256 calls.
#include "core/crypto/keyed_hmac.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <vector>

// scrypt as RFC 7914 defines it, on the library's keyed HMAC. OpenSSL's EVP_PBE_scrypt gives
// the same keys (the tests compare the two), but reaches PBKDF2 through the provider tables:
// it fetches the KDF and the MAC by name on every call and makes each 32-byte PBKDF2 block a
// separately allocated HMAC. At the simulator's N = 2 that overhead was the whole cost
// (~350,000 instructions and ~33 us a hash, against ~12 us now: bench/core/bench_scrypt); at
// production's N = 16384 the memory-hard mixing below dominates either way, and it is the same
// arithmetic as OpenSSL's.

namespace qm::crypto {

namespace {

constexpr std::size_t salsa_words = 16;  // one 64-byte Salsa20 block

// PBKDF2-HMAC-SHA256 with one iteration (RFC 8018 section 5.2; scrypt never iterates it):
// block i of the output is HMAC(password, salt || INT(i)), i counting from 1.
void pbkdf2_sha256_once(const detail::keyed_hmac& password, std::string_view salt,
                        unsigned char* out, std::size_t out_len) {
  for (std::uint32_t i = 1; out_len > 0; ++i) {
    const unsigned char index[4] = {static_cast<unsigned char>(i >> 24),
                                    static_cast<unsigned char>(i >> 16),
                                    static_cast<unsigned char>(i >> 8),
                                    static_cast<unsigned char>(i)};
    auto block =
        password.mac({salt, std::string_view(reinterpret_cast<const char*>(index), sizeof index)});
    const std::size_t n = std::min(out_len, block.size());
    std::memcpy(out, block.data(), n);
    OPENSSL_cleanse(block.data(), block.size());
    out += n;
    out_len -= n;
  }
}

std::uint32_t load_le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

void store_le32(unsigned char* p, std::uint32_t v) {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
  p[2] = static_cast<unsigned char>(v >> 16);
  p[3] = static_cast<unsigned char>(v >> 24);
}

// The Salsa20/8 core (RFC 7914 section 3) on b, in place: four double rounds over a copy,
// then the copy added to the input word by word.
void salsa20_8(std::uint32_t* b) {
  std::uint32_t x[salsa_words];
  std::memcpy(x, b, sizeof x);
  const auto quarter = [&x](int a, int c, int d, int e) {
    x[c] ^= std::rotl(x[a] + x[e], 7);
    x[d] ^= std::rotl(x[c] + x[a], 9);
    x[e] ^= std::rotl(x[d] + x[c], 13);
    x[a] ^= std::rotl(x[e] + x[d], 18);
  };
  for (int round = 0; round < 8; round += 2) {
    // Columns, then rows; each quarter round's first index is its diagonal word.
    quarter(0, 4, 8, 12);
    quarter(5, 9, 13, 1);
    quarter(10, 14, 2, 6);
    quarter(15, 3, 7, 11);
    quarter(0, 1, 2, 3);
    quarter(5, 6, 7, 4);
    quarter(10, 11, 8, 9);
    quarter(15, 12, 13, 14);
  }
  for (std::size_t i = 0; i < salsa_words; ++i) {
    b[i] += x[i];
  }
}

// scryptBlockMix (RFC 7914 section 4) of the 2r blocks in, into out: each block is mixed into
// a running Salsa20/8 state, and the results go out even-numbered first, then odd-numbered.
void block_mix(const std::uint32_t* in, std::uint32_t* out, std::uint32_t r) {
  // The running state lives in its own array: written through out, the compiler would have to
  // assume it aliases in, and the XOR below would not vectorise.
  std::uint32_t x[salsa_words];
  std::memcpy(x, in + (2 * r - 1) * salsa_words, sizeof x);
  for (std::uint32_t i = 0; i < 2 * r; ++i) {
    for (std::size_t w = 0; w < salsa_words; ++w) {
      x[w] ^= in[i * salsa_words + w];
    }
    salsa20_8(x);
    const std::uint32_t slot = (i % 2 == 0 ? i / 2 : r + i / 2);
    std::memcpy(out + slot * salsa_words, x, sizeof x);
  }
}

// scryptROMix (RFC 7914 section 5) of one 128r-byte block, in place. v holds N blocks.
void ro_mix(unsigned char* block, std::uint32_t r, std::uint64_t n, std::uint32_t* v) {
  const std::size_t words = 32 * static_cast<std::size_t>(r);
  std::vector<std::uint32_t> x(words);
  std::vector<std::uint32_t> y(words);
  for (std::size_t w = 0; w < words; ++w) {
    x[w] = load_le32(block + 4 * w);
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    std::memcpy(v + i * words, x.data(), words * sizeof(std::uint32_t));
    block_mix(x.data(), y.data(), r);
    x.swap(y);
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    // Integerify: the first word of the last 64-byte block, modulo N (a power of two no
    // larger than 2^20, so the word's higher half never matters).
    const std::uint64_t j = x[(2 * r - 1) * salsa_words] & (n - 1);
    const std::uint32_t* vj = v + j * words;
    for (std::size_t w = 0; w < words; ++w) {
      x[w] ^= vj[w];
    }
    block_mix(x.data(), y.data(), r);
    x.swap(y);
  }
  for (std::size_t w = 0; w < words; ++w) {
    store_le32(block + 4 * w, x[w]);
  }
  OPENSSL_cleanse(x.data(), words * sizeof(std::uint32_t));
  OPENSSL_cleanse(y.data(), words * sizeof(std::uint32_t));
}

}  // namespace

std::string_view to_string(scrypt_errc e) {
  switch (e) {
    case scrypt_errc::bad_params: return "bad_params";
    case scrypt_errc::memory_bound: return "memory_bound";
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
  static_assert(scrypt_max_n <= (std::uint64_t{1} << 32), "Integerify reads one word");
  const detail::keyed_hmac keyed_password(password);
  // B: p blocks of 128r bytes, each mixed on its own, then the key drawn from all of them.
  const std::size_t block_bytes = 128 * static_cast<std::size_t>(params.r);
  std::vector<unsigned char> b(block_bytes * params.p);
  pbkdf2_sha256_once(keyed_password, salt, b.data(), b.size());
  // V is written before it is read, so it is not zeroed first (16 MiB at production's N).
  const std::size_t v_words = static_cast<std::size_t>(params.n) * block_bytes / 4;
  const auto v = std::make_unique_for_overwrite<std::uint32_t[]>(v_words);
  for (std::uint32_t i = 0; i < params.p; ++i) {
    ro_mix(b.data() + i * block_bytes, params.r, params.n, v.get());
  }
  std::string out(params.key_len, '\0');
  pbkdf2_sha256_once(keyed_password,
                     std::string_view(reinterpret_cast<const char*>(b.data()), b.size()),
                     reinterpret_cast<unsigned char*>(out.data()), out.size());
  // What was derived from the password does not outlive the call.
  OPENSSL_cleanse(v.get(), v_words * sizeof(std::uint32_t));
  OPENSSL_cleanse(b.data(), b.size());
  return out;
}

}  // namespace qm::crypto
