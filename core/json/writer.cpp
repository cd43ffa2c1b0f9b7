#include "core/json/writer.hpp"

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

// The text of s from its first byte to escape on (clean bytes before it), without the quotes.
// Rare (no reply text the services write needs it), so byte by byte, clean runs in one append.
void append_escaped(std::string& out, std::string_view s, std::size_t clean) {
  static constexpr char hex[] = "0123456789abcdef";
  const char* run = s.data();
  const char* const end = s.data() + s.size();
  for (const char* p = run + clean; p != end; ++p) {
    const auto byte = static_cast<unsigned char>(*p);
    const char e = escape_table[byte];
    if (e == 0) {
      continue;
    }
    out.append(run, static_cast<std::size_t>(p - run));
    if (e == 'u') {
      const char seq[] = {'\\', 'u', '0', '0', hex[byte >> 4], hex[byte & 15]};
      out.append(seq, sizeof seq);
    } else {
      const char seq[] = {'\\', e};
      out.append(seq, sizeof seq);
    }
    run = p + 1;
  }
  out.append(run, static_cast<std::size_t>(end - run));
}

void append_quoted(std::string& out, std::string_view s) {
  const std::size_t clean = clean_length(s.data(), s.size());
  if (clean == s.size()) {
    // Most keys and values: the quotes and the text in one append (the fill is overwritten).
    const std::size_t at = out.size() + 1;
    out.append(s.size() + 2, '"');
    std::memcpy(out.data() + at, s.data(), s.size());
    return;
  }
  out.push_back('"');
  append_escaped(out, s, clean);
  out.push_back('"');
}

}  // namespace

void writer::before_value() {
  if (depth_ == 0) {
    QM_ASSERT_MSG(!top_written_, "a JSON document holds one top-level value");
    top_written_ = true;
    return;
  }
  frame& f = frames_[depth_ - 1];
  if (f.is_object) {
    QM_ASSERT_MSG(key_pending_, "a value inside a JSON object needs a key first");
    key_pending_ = false;
    return;
  }
  if (f.has_items) {
    out_.push_back(',');
  }
  f.has_items = true;
}

void writer::open(bool is_object, char bracket) {
  before_value();
  QM_ASSERT_MSG(depth_ < max_depth, "JSON nested deeper than the writer allows");
  frames_[depth_] = frame{.is_object = is_object, .has_items = false};
  ++depth_;
  out_.push_back(bracket);
}

void writer::close(bool is_object, char bracket) {
  QM_ASSERT_MSG(depth_ > 0 && frames_[depth_ - 1].is_object == is_object,
                "a JSON end must match the innermost open object or array");
  QM_ASSERT_MSG(!key_pending_, "a JSON key needs a value before the object ends");
  --depth_;
  out_.push_back(bracket);
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
  frame& f = frames_[depth_ - 1];
  if (f.has_items) {
    out_.push_back(',');
  }
  f.has_items = true;
  append_quoted(out_, k);
  out_.push_back(':');
  key_pending_ = true;
  return *this;
}

writer& writer::value(std::string_view s) {
  before_value();
  append_quoted(out_, s);
  return *this;
}

writer& writer::value(bool b) {
  before_value();
  out_.append(b ? std::string_view("true") : std::string_view("false"));
  return *this;
}

writer& writer::value(std::nullptr_t) {
  before_value();
  out_.append("null");
  return *this;
}

writer& writer::value(double d) {
  before_value();
  // boost's own formatting (its shortest round-trip digits, exponent form and spelling of
  // non-finite values), through the public serializer: a scalar value needs no allocation.
  const boost::json::value v(d);
  boost::json::serializer sr;
  sr.reset(&v);
  char buf[64];
  const std::string_view text = sr.read(buf, sizeof buf);
  QM_ASSERT_MSG(sr.done(), "a JSON number fits in 64 characters");
  out_.append(text);
  return *this;
}

std::string writer::finish() {
  QM_ASSERT_MSG(top_written_ && depth_ == 0, "a JSON document must be complete to finish");
  top_written_ = false;
  std::string document = std::move(out_);
  out_.clear();
  return document;
}

}  // namespace qm::json
