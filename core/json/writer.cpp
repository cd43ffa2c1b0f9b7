#include "core/json/writer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

#include "core/base/assert.hpp"

namespace qm::json {

namespace {

// boost::json's escaping (impl/serializer.ipp): '"' and '\\' get a backslash, the control
// characters with a short form get it (\b \t \n \f \r), the other control characters become
// \u00XX in lowercase hex, and every other byte, DEL and UTF-8 included, passes through.
// 0 means "as is", 'u' means \u00XX, anything else is the letter after the backslash.
constexpr std::array<char, 256> escape_table = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c) {
    t[static_cast<std::size_t>(c)] = 'u';
  }
  t['\b'] = 'b';
  t['\t'] = 't';
  t['\n'] = 'n';
  t['\f'] = 'f';
  t['\r'] = 'r';
  t['"'] = '"';
  t['\\'] = '\\';
  return t;
}();

// True when one of w's eight bytes is a control character, '"' or '\\'. The SWAR test "some
// byte below n" is (x - n in every byte) & ~x & the high bits, exact for n <= 0x80; '"' and '\\'
// are "some byte below 1" of w xor the character, whose high bits are w's, so one & ~w serves
// all three. Which byte it is the test does not tell.
constexpr bool has_byte_to_escape(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101;
  constexpr std::uint64_t highs = 0x8080808080808080;
  const std::uint64_t borrows =
      (w - ones * 0x20) | ((w ^ (ones * '"')) - ones) | ((w ^ (ones * '\\')) - ones);
  return (borrows & ~w & highs) != 0;
}

template <typename Word>
Word load(const char* p) {
  Word w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

template <typename Word>
void store(char* p, Word w) {
  std::memcpy(p, &w, sizeof w);
}

// Copies s to out up to its first byte to escape and returns how many bytes that is (s.size()
// when none needs it): checked and copied eight at a time (the last word overlapping the one
// before when the length is not a multiple of eight), a string of four to seven as two
// overlapping halves of a word; byte by byte through a word that holds one to escape and
// through strings shorter than four. One pass, and no call out for the copy.
std::size_t copy_clean(char* out, std::string_view s) {
  const char* p = s.data();
  const std::size_t n = s.size();
  std::size_t i = 0;
  if (n >= 8) {
    for (; i + 8 <= n; i += 8) {
      const auto w = load<std::uint64_t>(p + i);
      if (has_byte_to_escape(w)) {
        break;
      }
      store(out + i, w);
    }
    if (i == n) {
      return n;
    }
    if (i + 8 > n) {
      const auto last = load<std::uint64_t>(p + n - 8);
      if (!has_byte_to_escape(last)) {
        store(out + n - 8, last);
        return n;
      }
    }
  } else if (n >= 4) {
    const auto low = load<std::uint32_t>(p);
    const auto high = load<std::uint32_t>(p + n - 4);
    if (!has_byte_to_escape(low | std::uint64_t{high} << 32)) {
      store(out, low);
      store(out + n - 4, high);
      return n;
    }
  }
  while (i != n && escape_table[static_cast<unsigned char>(p[i])] == 0) {
    out[i] = p[i];
    ++i;
  }
  return i;
}

// The bytes of s escaped, written at out; returns the end. Escapes are rare (no reply text the
// services write needs one), so byte by byte.
char* write_escaped(char* out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  for (const char c : s) {
    const auto byte = static_cast<unsigned char>(c);
    const char e = escape_table[byte];
    if (e == 0) {
      *out++ = c;
    } else if (e == 'u') {
      const char seq[] = {'\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 15]};
      std::memcpy(out, seq, sizeof seq);
      out += sizeof seq;
    } else {
      *out++ = '\\';
      *out++ = e;
    }
  }
  return out;
}

}  // namespace

char* writer::before_value(char* p) {
  if (depth_ == 0) {
    QM_ASSERT_MSG(!top_written_, "a JSON document holds one top-level value");
    top_written_ = true;
    return p;
  }
  frame& f = frames_[depth_ - 1];
  if (f.is_object) {
    QM_ASSERT_MSG(key_pending_, "a value inside a JSON object needs a key first");
    key_pending_ = false;
    return p;
  }
  if (f.has_items) {
    *p++ = ',';
  }
  f.has_items = true;
  return p;
}

void writer::grow(std::size_t n) {
  // Doubling, as appending would; a writer made without a size hint starts with room for a
  // short reply.
  constexpr std::size_t first_room = 128;
  out_.resize(std::max({out_.size() * 2, length_ + n, first_room}));
}

void writer::open(bool is_object, char bracket) {
  char* p = before_value(room(2));
  QM_ASSERT_MSG(depth_ < max_depth, "JSON nested deeper than the writer allows");
  frames_[depth_] = frame{.is_object = is_object, .has_items = false};
  ++depth_;
  *p++ = bracket;
  wrote_to(p);
}

void writer::close(bool is_object, char bracket) {
  QM_ASSERT_MSG(depth_ > 0 && frames_[depth_ - 1].is_object == is_object,
                "a JSON end must match the innermost open object or array");
  QM_ASSERT_MSG(!key_pending_, "a JSON key needs a value before the object ends");
  --depth_;
  char* p = room(1);
  *p++ = bracket;
  wrote_to(p);
}

writer& writer::begin_object() {
  open(true, '{');
  return *this;
}

writer& writer::end_object() {
  close(true, '}');
  return *this;
}

writer& writer::begin_array() {
  open(false, '[');
  return *this;
}

writer& writer::end_array() {
  close(false, ']');
  return *this;
}

char* writer::write_quoted(char* at, std::string_view s, std::size_t after) {
  *at++ = '"';
  const std::size_t clean = copy_clean(at, s);
  if (clean == s.size()) [[likely]] {
    at += clean;
  } else {
    // The room asked for was for s as it is: ask again for the rest escaped (six bytes a byte
    // at most, \u00XX), keeping what is written already.
    const auto written = static_cast<std::size_t>(at - (out_.data() + length_)) + clean;
    const std::size_t rest = s.size() - clean;
    at = write_escaped(room(written + 6 * rest + 1 + after) + written, s.substr(clean));
  }
  *at++ = '"';
  return at;
}

writer& writer::key(std::string_view k) {
  QM_ASSERT_MSG(depth_ > 0 && frames_[depth_ - 1].is_object, "a JSON key belongs in an object");
  QM_ASSERT_MSG(!key_pending_, "a JSON key needs a value before the next key");
  char* p = room(k.size() + 4);  // a comma, the quotes and the colon
  frame& f = frames_[depth_ - 1];
  if (f.has_items) {
    *p++ = ',';
  }
  f.has_items = true;
  p = write_quoted(p, k, 1);
  *p++ = ':';
  key_pending_ = true;
  return wrote_to(p);
}

writer& writer::value(std::string_view s) {
  char* p = before_value(room(s.size() + 3));  // a comma and the quotes
  return wrote_to(write_quoted(p, s, 0));
}

writer& writer::value(bool b) {
  const std::string_view text = b ? std::string_view("true") : std::string_view("false");
  char* p = before_value(room(text.size() + 1));
  std::memcpy(p, text.data(), text.size());
  return wrote_to(p + text.size());
}

writer& writer::value(std::nullptr_t) {
  constexpr std::string_view text = "null";
  char* p = before_value(room(text.size() + 1));
  std::memcpy(p, text.data(), text.size());
  return wrote_to(p + text.size());
}

writer& writer::value(double d) {
  // boost's own formatting (its shortest round-trip digits, exponent form and spelling of
  // non-finite values), through the public serializer: a scalar value needs no allocation.
  const boost::json::value v(d);
  boost::json::serializer sr;
  sr.reset(&v);
  char buf[64];
  const std::string_view text = sr.read(buf, sizeof buf);
  QM_ASSERT_MSG(sr.done(), "a JSON number fits in 64 characters");
  char* p = before_value(room(text.size() + 1));
  std::memcpy(p, text.data(), text.size());
  return wrote_to(p + text.size());
}

std::string writer::finish() {
  QM_ASSERT_MSG(top_written_ && depth_ == 0, "a JSON document must be complete to finish");
  top_written_ = false;
  out_.resize(length_);  // drops the room left over; shrinking keeps the buffer
  length_ = 0;
  std::string document = std::move(out_);
  out_.clear();
  return document;
}

}  // namespace qm::json
