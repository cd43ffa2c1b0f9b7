// Known-answer tests for the crypto primitives (RFC 4231, FIPS 180-2 examples, RFC 7914) and
// the strictness of the text decoders.

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/crypto/compare.hpp"
#include "core/crypto/encoding.hpp"
#include "core/crypto/hash.hpp"
#include "core/crypto/scrypt.hpp"

namespace qm::crypto {
namespace {

std::string hex(std::string_view bytes) { return hex_encode(bytes); }

TEST(sha256, known_vectors) {
  EXPECT_EQ(hex(sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(hex(sha256(std::string(1'000'000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

struct hmac_case {
  std::string key;
  std::string data;
  std::string_view expected_hex;
};

TEST(hmac_sha256, rfc4231_vectors) {
  std::string key4;
  for (char c = 1; c <= 25; ++c) {
    key4.push_back(c);
  }
  const hmac_case cases[] = {
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {key4, std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size data. "
       "The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(hex(hmac_sha256(c.key, c.data)), c.expected_hex) << "key " << hex(c.key);
  }
  // Test case 5 compares only the first 128 bits.
  EXPECT_EQ(hex(hmac_sha256(std::string(20, '\x0c'), "Test With Truncation")).substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
}

TEST(hmac_sha256, interleaved_keys_and_the_empty_key) {
  // The keyed state is cached per thread; switching keys back and forth must not mix them.
  const std::string a = hex(hmac_sha256("Jefe", "what do ya want for nothing?"));
  const std::string b = hex(hmac_sha256(std::string(20, '\x0b'), "Hi There"));
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")), a);
    EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")), a);
    EXPECT_EQ(hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")), b);
  }
  EXPECT_EQ(a, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(b, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex(hmac_sha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  // A key that is a prefix of another is another key.
  EXPECT_NE(hmac_sha256("Jef", "x"), hmac_sha256("Jefe", "x"));
  // More keys in turn than the thread keeps keyed states for: each answer stays its own.
  std::vector<std::string> first;
  for (int k = 0; k < 7; ++k) {
    first.push_back(hmac_sha256("key-" + std::to_string(k), "msg"));
  }
  for (int round = 0; round < 3; ++round) {
    for (int k = 6; k >= 0; --k) {
      EXPECT_EQ(hmac_sha256("key-" + std::to_string(k), "msg"), first[static_cast<std::size_t>(k)]);
    }
    EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")), a);
  }
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), first.size());
}

TEST(scrypt, rfc7914_vectors) {
  auto empty = scrypt("", "", {16, 1, 1, 64});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(hex(*empty),
            "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
  auto nacl = scrypt("password", "NaCl", {1024, 8, 16, 64});
  ASSERT_TRUE(nacl.ok());
  EXPECT_EQ(hex(*nacl),
            "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
}

TEST(scrypt, salt_and_password_change_the_key) {
  const scrypt_params p{16, 8, 1, 32};
  auto a = scrypt("secret", "salt-one", p);
  auto b = scrypt("secret", "salt-two", p);
  auto c = scrypt("secreT", "salt-one", p);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->size(), 32U);
  EXPECT_NE(*a, *b);
  EXPECT_NE(*a, *c);
}

TEST(scrypt, rejects_bad_parameters_before_working) {
  EXPECT_EQ(scrypt("x", "y", {0, 8, 1, 32}).error(), scrypt_errc::bad_params);
  EXPECT_EQ(scrypt("x", "y", {1, 8, 1, 32}).error(), scrypt_errc::bad_params);
  EXPECT_EQ(scrypt("x", "y", {1000, 8, 1, 32}).error(), scrypt_errc::bad_params);
  EXPECT_EQ(scrypt("x", "y", {16, 0, 1, 32}).error(), scrypt_errc::bad_params);
  EXPECT_EQ(scrypt("x", "y", {16, 8, 0, 32}).error(), scrypt_errc::bad_params);
  EXPECT_EQ(scrypt("x", "y", {16, 8, 1, 0}).error(), scrypt_errc::bad_params);
  EXPECT_EQ(scrypt("x", "y", {16, 8, 1, scrypt_max_key_len + 1}).error(), scrypt_errc::bad_params);
  EXPECT_EQ(scrypt("x", "y", {scrypt_max_n * 2, 8, 1, 32}).error(), scrypt_errc::bad_params);
  // 2^20 * 128 * 32 bytes is 4 GiB: a power of two within the N bound, over the memory bound.
  EXPECT_EQ(scrypt("x", "y", {scrypt_max_n, scrypt_max_r, 1, 32}).error(),
            scrypt_errc::memory_bound);
  EXPECT_TRUE(validate({16384, 8, 1, 32}).ok());
}

TEST(base64url, encodes_without_padding) {
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  // The URL-safe alphabet: 0xfb 0xff encodes to "-_8" rather than "+/8".
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(base64url, round_trips_every_length_and_byte) {
  std::string all;
  for (int b = 0; b < 256; ++b) {
    all.push_back(static_cast<char>(b));
  }
  for (std::size_t len = 0; len <= all.size(); ++len) {
    const std::string bytes = all.substr(all.size() - len);
    const auto decoded = base64url_decode(base64url_encode(bytes));
    ASSERT_TRUE(decoded.has_value()) << len;
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(base64url, decoding_is_strict) {
  EXPECT_FALSE(base64url_decode("Zg==").has_value());   // padding
  EXPECT_FALSE(base64url_decode("Zm9v+g").has_value());  // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm9v/g").has_value());
  EXPECT_FALSE(base64url_decode("Zm 9v").has_value());   // whitespace
  EXPECT_FALSE(base64url_decode("Zm9vY").has_value());   // length 1 mod 4
  EXPECT_FALSE(base64url_decode(std::string_view("Zm\0v", 4)).has_value());
  // "Zh" carries the same byte as "Zg" with a non-zero unused bit: not canonical.
  EXPECT_FALSE(base64url_decode("Zh").has_value());
  EXPECT_FALSE(base64url_decode("Zm9").has_value());
  EXPECT_TRUE(base64url_decode("Zm8").has_value());
}

TEST(hex, round_trip_and_strictness) {
  EXPECT_EQ(hex_encode(std::string("\x00\x7f\xff\x41", 4)), "007fff41");
  EXPECT_EQ(hex_decode("007FFF41"), std::string("\x00\x7f\xff\x41", 4));
  EXPECT_FALSE(hex_decode("abc").has_value());
  EXPECT_FALSE(hex_decode("zz").has_value());
}

TEST(constant_time_equal, compares_content_and_length) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace qm::crypto
