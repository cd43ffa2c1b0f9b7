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
  // Written by index into room of the exact size: this runs on every token.
  const std::size_t start = out.size();
  out.resize(start + base64url_size(bytes.size()));
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  std::size_t o = start;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    out[o++] = b64url_alphabet[(n >> 18) & 63];
    out[o++] = b64url_alphabet[(n >> 12) & 63];
    out[o++] = b64url_alphabet[(n >> 6) & 63];
    out[o++] = b64url_alphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    const std::uint32_t n =
        (std::uint32_t{in[i]} << 16) | (rest == 2 ? std::uint32_t{in[i + 1]} << 8 : 0);
    out[o++] = b64url_alphabet[(n >> 18) & 63];
    out[o++] = b64url_alphabet[(n >> 12) & 63];
    if (rest == 2) {
      out[o++] = b64url_alphabet[(n >> 6) & 63];
    }
  }
  QM_ASSERT(o == out.size());
}

std::optional<std::string> base64url_decode(std::string_view text) {
  // A final group of one character cannot carry a whole byte.
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out(text.size() * 3 / 4, '\0');
  std::size_t o = 0;
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : text) {
    const std::int8_t v = b64url_table[static_cast<unsigned char>(c)];
    if (v < 0) {
      return std::nullopt;
    }
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = static_cast<char>((acc >> bits) & 0xFF);
      acc &= (1U << bits) - 1;
    }
  }
  QM_ASSERT(o == out.size());
  // The leftover bits (2 or 4) are padding and must be zero for the encoding to be canonical.
  if (acc != 0) {
    return std::nullopt;
  }
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
