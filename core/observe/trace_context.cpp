#include "core/observe/trace_context.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#include "core/base/assert.hpp"

namespace qm::observe {

namespace {

constexpr std::size_t v00_length = 55;  // "00-" + 32 + "-" + 16 + "-" + 2

// Every server parses a traceparent, checks its ids and writes new ones per request; ids are
// hex words, so they are handled eight characters at a time (SWAR) rather than one by one.
constexpr std::uint64_t ones = 0x0101010101010101ULL;
constexpr std::uint64_t highs = 0x8080808080808080ULL;

// Eight characters as a word, the first in the lowest byte whatever the machine.
std::uint64_t load_chars(const char* p) {
  std::uint64_t w = 0;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) {
    w = __builtin_bswap64(w);
  }
  return w;
}

void store_chars(std::uint64_t w, char* p) {
  if constexpr (std::endian::native == std::endian::big) {
    w = __builtin_bswap64(w);
  }
  std::memcpy(p, &w, sizeof w);
}

// The high bit of each byte of w (all below 0x80) that lies in [lo, hi]: adding 0x80 - lo
// sets a byte's high bit from lo up, adding 0x7f - hi from past hi up, and no byte carries.
std::uint64_t bytes_in(std::uint64_t w, unsigned char lo, unsigned char hi) {
  return (w + ones * (0x80u - lo)) & ~(w + ones * (0x7fu - hi)) & highs;
}

// Whether all eight characters of w are lowercase hex digits.
bool lower_hex_word(std::uint64_t w) {
  return (w & highs) == 0 && (bytes_in(w, '0', '9') | bytes_in(w, 'a', 'f')) == highs;
}

// s.size() is a multiple of 8 (every id is).
bool all_lower_hex_words(std::string_view s) {
  bool ok = true;
  for (std::size_t i = 0; i < s.size(); i += 8) {
    ok &= lower_hex_word(load_chars(s.data() + i));
  }
  return ok;
}

bool is_lower_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

constexpr std::uint64_t zero_chars = ones * '0';

// s.size() is a multiple of 8 (every id is).
bool all_zero(std::string_view s) {
  std::uint64_t differs = 0;
  for (std::size_t i = 0; i < s.size(); i += 8) {
    differs |= load_chars(s.data() + i) ^ zero_chars;
  }
  return differs == 0;
}

// The eight lowercase hex digits of v, most significant first, as a word (first character in
// the lowest byte).
std::uint64_t hex8(std::uint32_t v) {
  // Spread the nibbles into bytes, lowest nibble in the lowest byte...
  std::uint64_t w = v;
  w = (w | (w << 16)) & 0x0000ffff0000ffffULL;
  w = (w | (w << 8)) & 0x00ff00ff00ff00ffULL;
  w = (w | (w << 4)) & 0x0f0f0f0f0f0f0f0fULL;
  // ... turn 0..15 into '0'..'9', 'a'..'f' (a byte above 9 gets 'a' - '0' - 10 more) ...
  const std::uint64_t letters = ((w + ones * 6) >> 4) & ones;
  w += zero_chars + letters * ('a' - '0' - 10);
  // ... and put the most significant digit first.
  return __builtin_bswap64(w);
}

std::uint8_t hex_value(char c) {
  return static_cast<std::uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10);
}

}  // namespace

std::optional<traceparent> parse_traceparent(std::string_view value) {
  if (value.size() < v00_length || value[2] != '-' || value[35] != '-' || value[52] != '-') {
    return std::nullopt;
  }
  const std::string_view version = value.substr(0, 2);
  const std::string_view trace = value.substr(3, 32);
  const std::string_view parent = value.substr(36, 16);
  const std::string_view flags = value.substr(53, 2);
  if (!is_lower_hex(version[0]) || !is_lower_hex(version[1]) || version == "ff" ||
      !all_lower_hex_words(trace) || !all_lower_hex_words(parent) || !is_lower_hex(flags[0]) ||
      !is_lower_hex(flags[1]) || all_zero(trace) || all_zero(parent)) {
    return std::nullopt;
  }
  // Version 00 has exactly these fields; a later version may append "-..." after them.
  if (version == "00" ? value.size() != v00_length
                      : value.size() > v00_length && value[v00_length] != '-') {
    return std::nullopt;
  }
  traceparent out;
  std::copy(trace.begin(), trace.end(), out.trace_id.begin());
  std::copy(parent.begin(), parent.end(), out.parent_id.begin());
  out.flags = static_cast<std::uint8_t>(hex_value(flags[0]) * 16 + hex_value(flags[1]));
  return out;
}

void write_hex16(std::uint64_t v, char* out) {
  store_chars(hex8(static_cast<std::uint32_t>(v >> 32)), out);
  store_chars(hex8(static_cast<std::uint32_t>(v)), out + 8);
}

bool is_lower_hex_id(std::string_view id) {
  return id.size() % 8 == 0 && all_lower_hex_words(id);
}

bool span::has_parent() const { return !all_zero(parent_id_view()); }

traceparent_text span::child_traceparent_text() const {
  static constexpr char digits[] = "0123456789abcdef";
  static_assert(std::tuple_size_v<traceparent_text> == v00_length);
  traceparent_text out;
  char* p = out.data();
  p = std::copy_n("00-", 3, p);
  p = std::copy(trace_id.begin(), trace_id.end(), p);
  *p++ = '-';
  p = std::copy(span_id.begin(), span_id.end(), p);
  *p++ = '-';
  *p++ = digits[flags >> 4];
  *p = digits[flags & 0xF];
  return out;
}

std::string span::child_traceparent() const {
  const traceparent_text text = child_traceparent_text();
  return std::string(text.data(), text.size());
}

span span_named_by(const traceparent& p) {
  span s;
  s.trace_id = p.trace_id;
  s.span_id = p.parent_id;
  s.parent_id.fill('0');
  s.flags = p.flags & 0x01;  // as open_span: unknown flags are not passed on
  return s;
}

span open_span(const std::optional<traceparent>& parent, std::uint64_t random_a,
               std::uint64_t random_b, std::uint64_t random_c) {
  span s;
  // A zero id is invalid in the spec; the odds are nil, but a seeded run must never make one.
  write_hex16(random_a == 0 ? 1 : random_a, s.span_id.data());
  s.parent_id.fill('0');
  if (parent) {
    s.trace_id = parent->trace_id;
    s.parent_id = parent->parent_id;
    // Only the sampled bit is defined; the rest is passed on as zero (the spec asks that
    // unknown flags are not propagated).
    s.flags = parent->flags & 0x01;
  } else {
    write_hex16(random_b, s.trace_id.data());
    write_hex16(random_c == 0 && random_b == 0 ? 1 : random_c, s.trace_id.data() + 16);
    s.flags = 0x01;
  }
  QM_ASSERT(!all_zero(s.trace_id_view()) && !all_zero(s.span_id_view()));
  return s;
}

}  // namespace qm::observe
