#include "core/crypto/encoding.hpp"

#include <array>
#include <cstdint>

#include "core/base/assert.hpp"

namespace qm::crypto {

namespace {
constexpr std::string_view b64url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// -1 for characters outside the alphabet.
constexpr std::array<std::int8_t, 256> make_b64url_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) {
    v = -1;
  }
  for (std::size_t i = 0; i < b64url_alphabet.size(); ++i) {
    t[static_cast<unsigned char>(b64url_alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return t;
}
constexpr auto b64url_table = make_b64url_table();

int hex_digit(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}
}  // namespace

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  append_base64url(out, bytes);
  return out;
}

void append_base64url(std::string& out, std::string_view bytes) {
  // Written through a pointer into room of the exact size: this runs on every token and
  // signed context, and a store through out[i] makes the compiler reload the string's buffer
  // pointer after every character (a char store may alias it).
  const std::size_t start = out.size();
  out.resize(start + base64url_size(bytes.size()));
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  char* o = out.data() + start;
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    o[0] = b64url_alphabet[(n >> 18) & 63];
    o[1] = b64url_alphabet[(n >> 12) & 63];
    o[2] = b64url_alphabet[(n >> 6) & 63];
    o[3] = b64url_alphabet[n & 63];
    o += 4;
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const std::uint32_t n =
        (std::uint32_t{in[i]} << 16) | (rest == 2 ? std::uint32_t{in[i + 1]} << 8 : 0);
    *o++ = b64url_alphabet[(n >> 18) & 63];
    *o++ = b64url_alphabet[(n >> 12) & 63];
    if (rest == 2) {
      *o++ = b64url_alphabet[(n >> 6) & 63];
    }
  }
  QM_ASSERT(o == out.data() + out.size());
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // A final group of one character cannot carry a whole byte.
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out(text.size() * 3 / 4, '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  char* o = out.data();
  // Whole groups of four characters make three bytes; any character outside the alphabet
  // sets the sign bit of the group's accumulated value (each value is -1 or 0..63).
  std::size_t i = 0;
  for (; i + 4 <= text.size(); i += 4) {
    const std::int32_t n = (std::int32_t{b64url_table[in[i]]} * (1 << 18)) |
                           (std::int32_t{b64url_table[in[i + 1]]} * (1 << 12)) |
                           (std::int32_t{b64url_table[in[i + 2]]} * (1 << 6)) |
                           std::int32_t{b64url_table[in[i + 3]]};
    if (n < 0) {
      return std::nullopt;
    }
    o[0] = static_cast<char>((n >> 16) & 0xFF);
    o[1] = static_cast<char>((n >> 8) & 0xFF);
    o[2] = static_cast<char>(n & 0xFF);
    o += 3;
  }
  // A final group of two or three characters: one or two bytes, and the leftover bits (4 or
  // 2) are padding that must be zero for the encoding to be canonical.
  const std::size_t rest = text.size() - i;
  if (rest > 0) {
    std::int32_t n = 0;
    for (std::size_t k = 0; k < rest; ++k) {
      const std::int8_t v = b64url_table[in[i + k]];
      if (v < 0) {
        return std::nullopt;
      }
      n = (n << 6) | v;
    }
    const int padding_bits = rest == 2 ? 4 : 2;
    if ((n & ((1 << padding_bits) - 1)) != 0) {
      return std::nullopt;
    }
    n >>= padding_bits;
    if (rest == 3) {
      *o++ = static_cast<char>((n >> 8) & 0xFF);
    }
    *o++ = static_cast<char>(n & 0xFF);
  }
  QM_ASSERT(o == out.data() + out.size());
  return out;
}

std::string hex_encode(std::string_view bytes) {
  static constexpr std::string_view digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0F]);
  }
  return out;
}

std::optional<std::string> hex_decode(std::string_view text) {
  if (text.size() % 2 != 0) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    const int hi = hex_digit(text[i]);
    const int lo = hex_digit(text[i + 1]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace qm::crypto
