#pragma once
// Writes an integer's decimal digits, the text std::to_chars gives: into a buffer the caller
// sized (write_int) or onto a string (append_int). No temporary string and no locale. For text
// written per request or per event: every id and amount in a reply goes through here.

#include <array>
#include <bit>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace qm {

// The longest text write_int gives: a 64-bit value with its sign.
inline constexpr std::size_t max_int_chars = 20;

namespace int_text {

// "00" "01" ... "99": two digits for one division by 100.
inline constexpr std::array<char, 200> digit_pairs = [] {
  std::array<char, 200> t{};
  for (int i = 0; i < 100; ++i) {
    t[static_cast<std::size_t>(2 * i)] = static_cast<char>('0' + i / 10);
    t[static_cast<std::size_t>(2 * i + 1)] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

inline constexpr std::array<std::uint64_t, 20> powers_of_10 = [] {
  std::array<std::uint64_t, 20> t{};
  std::uint64_t p = 1;
  for (auto& v : t) {
    v = p;
    p *= 10;
  }
  return t;
}();

// How many digits v has: log10 from the bit width (1233 / 4096 is about log10(2)), then one
// comparison for the values of that width that have a digit fewer. v | 1 has v's digit count
// (a power of ten is even) and is never 0.
inline unsigned digit_count(std::uint64_t v) {
  const std::uint64_t w = v | 1;
  const auto estimate = static_cast<unsigned>(std::bit_width(w) * 1233) >> 12;
  return estimate + 1 - static_cast<unsigned>(w < powers_of_10[estimate]);
}

// Writes v's digits ending at end, two per division, in 32-bit arithmetic once v fits.
template <typename U>
void write_digits_before(char* end, U v) {
  while (v >= 100) {
    const U pair = v % 100;
    v /= 100;
    end -= 2;
    std::memcpy(end, &digit_pairs[static_cast<std::size_t>(pair) * 2], 2);
  }
  if (v >= 10) {
    std::memcpy(end - 2, &digit_pairs[static_cast<std::size_t>(v) * 2], 2);
  } else {
    end[-1] = static_cast<char>('0' + v);
  }
}

inline char* write_unsigned(char* out, std::uint64_t v) {
  char* const end = out + digit_count(v);
  if (v <= UINT32_MAX) {
    write_digits_before(end, static_cast<std::uint32_t>(v));
  } else {
    write_digits_before(end, v);
  }
  return end;
}

}  // namespace int_text

// Writes value's digits (and a '-') at out, which has room for max_int_chars; returns the end.
template <std::integral I>
char* write_int(char* out, I value) {
  using U = std::make_unsigned_t<I>;
  auto magnitude = static_cast<std::uint64_t>(static_cast<U>(value));
  if constexpr (std::is_signed_v<I>) {
    if (value < 0) {
      *out++ = '-';
      // Negated in the unsigned type, so the most negative value has its magnitude too.
      magnitude = static_cast<std::uint64_t>(static_cast<U>(U{0} - static_cast<U>(value)));
    }
  }
  return int_text::write_unsigned(out, magnitude);
}

template <std::integral I>
void append_int(std::string& out, I value) {
  char digits[max_int_chars];
  const char* end = write_int(digits, value);
  out.append(digits, static_cast<std::size_t>(end - digits));
}

}  // namespace qm
