#pragma once
// Small helpers for building trace details without streams or locale: deterministic text,
// appended into a buffer the caller reuses.

#include <string>
#include <string_view>

#include "core/base/append_int.hpp"
#include "core/base/time.hpp"

namespace qm::sim {

// A duration as "<n>us".
inline void append_duration(std::string& out, duration d) {
  append_int(out, d.count());
  out += "us";
}

// An HTTP status: three digits written directly (two trace lines of every hop carry one);
// anything else as append_int writes it.
inline void append_status(std::string& out, int status) {
  if (status < 100 || status > 999) {
    append_int(out, status);
    return;
  }
  const char digits[3] = {static_cast<char>('0' + status / 100), static_cast<char>('0' + status / 10 % 10),
                          static_cast<char>('0' + status % 10)};
  out.append(digits, sizeof digits);
}

// A decimal fraction with a fixed number of places (no floating-point formatting surprises).
inline void append_fraction(std::string& out, double value, int places = 6) {
  if (value < 0) {
    out += '-';
    value = -value;
  }
  long long scale = 1;
  for (int i = 0; i < places; ++i) {
    scale *= 10;
  }
  const auto scaled = static_cast<long long>(value * static_cast<double>(scale) + 0.5);
  append_int(out, scaled / scale);
  out += '.';
  std::string frac = std::to_string(scaled % scale);
  out.append(static_cast<std::size_t>(places) - frac.size(), '0');
  out += frac;
}

}  // namespace qm::sim
