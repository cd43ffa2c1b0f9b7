#pragma once
// Appends an integer's decimal digits to a string: to_chars into the caller's buffer, no
// temporary string and no locale. For text written per request or per event.

#include <charconv>
#include <concepts>
#include <string>

namespace qm {

template <std::integral I>
void append_int(std::string& out, I value) {
  char digits[24];  // the longest 64-bit value, sign included, is 20 characters
  const auto written = std::to_chars(digits, digits + sizeof digits, value);
  out.append(digits, static_cast<std::size_t>(written.ptr - digits));
}

}  // namespace qm
