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

// How many bytes from p on pass through unescaped. Eight at a time (the last word overlapping
// the one before when the length is not a multiple of eight), a string of four to seven as two
// overlapping halves of a word; byte by byte through a word that holds one to escape and
// through strings shorter than four.
std::size_t clean_length(const char* p, std::size_t n) {
  std::size_t i = 0;
  if (n >= 8) {
    while (i + 8 <= n && !has_byte_to_escape(load<std::uint64_t>(p + i))) {
      i += 8;
    }
    if (i + 8 > n && (i == n || !has_byte_to_escape(load<std::uint64_t>(p + n - 8)))) {
      return n;
    }
  } else if (n >= 4) {
    const std::uint64_t halves =
        load<std::uint32_t>(p) | std::uint64_t{load<std::uint32_t>(p + n - 4)} << 32;
    if (!has_byte_to_escape(halves)) {
      return n;
    }
  }
  while (i != n && escape_table[static_cast<unsigned char>(p[i])] == 0) {
    ++i;
  }
  return i;
}

// Room for s quoted: its length when clean bytes pass as they are, else six bytes a byte (the
// longest escape, \u00XX), and the quotes.
std::size_t quoted_size_bound(std::string_view s, std::size_t clean) {
  return (clean == s.size() ? s.size() : 6 * s.size()) + 2;
}

// Writes s quoted at p, escaped from its first byte to escape on (clean bytes before it), and
// returns the end. Escapes are rare (no reply text the services write needs one), so byte by
// byte after the clean run.
char* write_quoted(char* p, std::string_view s, std::size_t clean) {
  static constexpr char hex[] = "0123456789abcdef";
  *p++ = '"';
  std::memcpy(p, s.data(), clean);
  p += clean;
  for (std::size_t i = clean; i < s.size(); ++i) {
    const auto byte = static_cast<unsigned char>(s[i]);
    const char e = escape_table[byte];
    if (e == 0) {
      *p++ = s[i];
    } else if (e == 'u') {
      const char seq[] = {'\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 15]};
      std::memcpy(p, seq, sizeof seq);
      p += sizeof seq;
    } else {
      *p++ = '\\';
      *p++ = e;
    }
  }
  *p++ = '"';
  return p;
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

writer& writer::key(std::string_view k) {
  QM_ASSERT_MSG(depth_ > 0 && frames_[depth_ - 1].is_object, "a JSON key belongs in an object");
  QM_ASSERT_MSG(!key_pending_, "a JSON key needs a value before the next key");
  const std::size_t clean = clean_length(k.data(), k.size());
  char* p = room(quoted_size_bound(k, clean) + 2);  // and a comma and the colon
  frame& f = frames_[depth_ - 1];
  if (f.has_items) {
    *p++ = ',';
  }
  f.has_items = true;
  p = write_quoted(p, k, clean);
  *p++ = ':';
  key_pending_ = true;
  return wrote_to(p);
}

writer& writer::value(std::string_view s) {
  const std::size_t clean = clean_length(s.data(), s.size());
  char* p = before_value(room(quoted_size_bound(s, clean) + 1));
  return wrote_to(write_quoted(p, s, clean));
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
