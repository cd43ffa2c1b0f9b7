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
