#include "core/observe/trace_context.hpp"

#include <algorithm>
#include <array>

#include "core/base/assert.hpp"

namespace qm::observe {

namespace {

constexpr std::size_t v00_length = 55;  // "00-" + 32 + "-" + 16 + "-" + 2

// Every server parses a traceparent and checks its ids per request: a table and a compare
// instead of a predicate called per character.
constexpr std::array<bool, 256> lower_hex_table = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) {
    t[static_cast<std::size_t>(c)] = true;
  }
  for (int c = 'a'; c <= 'f'; ++c) {
    t[static_cast<std::size_t>(c)] = true;
  }
  return t;
}();

bool all_lower_hex(std::string_view s) {
  bool ok = true;
  for (const char c : s) {
    ok &= lower_hex_table[static_cast<unsigned char>(c)];
  }
  return ok;
}

constexpr std::string_view zeros = "00000000000000000000000000000000";

bool all_zero(std::string_view s) {
  if (s.size() <= zeros.size()) {  // every id
    return s == zeros.substr(0, s.size());
  }
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0'; });
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
  if (!all_lower_hex(version) || version == "ff" || !all_lower_hex(trace) ||
      !all_lower_hex(parent) || !all_lower_hex(flags) || all_zero(trace) || all_zero(parent)) {
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
  static constexpr char digits[] = "0123456789abcdef";
  for (int i = 15; i >= 0; --i) {
    out[i] = digits[v & 0xF];
    v >>= 4;
  }
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
