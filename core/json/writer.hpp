#pragma once
// Writes a JSON document straight into a string, for response bodies built per request: no
// boost::json::value tree, so no allocation per key, member or array element. The text is
// byte for byte what boost::json::serialize gives for the same document (same escaping, same
// numbers): replies, the simulator's trace hash and clients compare those bytes.
//
//   json::writer w;
//   w.begin_object().member("id", p.id).member("name", p.name).end_object();
//   return http::json_response(200, w.finish());
//
// Commas are the writer's business. Misuse (a value where a key is due, a key inside an
// array, an end that does not match its begin, two top-level values) is an assertion failure.

#include <array>
#include <concepts>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/append_int.hpp"

namespace qm::json {

class writer {
 public:
  writer() = default;
  // Room for a body of about this size, so a long listing does not grow in steps.
  explicit writer(std::size_t expected_bytes) { out_.resize(expected_bytes); }

  writer& begin_object();
  writer& end_object();
  writer& begin_array();
  writer& end_array();
  writer& key(std::string_view k);

  writer& value(std::string_view s);
  // Without it a string literal would convert to bool rather than to std::string_view.
  writer& value(const char* s) { return value(std::string_view(s)); }
  writer& value(bool b);
  writer& value(std::nullptr_t);
  writer& value(double d);
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  writer& value(I n) {
    char* p = before_value(room(max_int_chars + 1));  // and a comma
    return wrote_to(write_int(p, n));
  }
  // null when empty, as boost::json gives for a value built from an empty optional.
  template <typename T>
  writer& value(const std::optional<T>& v) {
    return v ? value(*v) : value(nullptr);
  }

  template <typename T>
  writer& member(std::string_view k, const T& v) {
    key(k);
    return value(v);
  }

  // The document, which must be exactly one complete value; the writer is left empty.
  std::string finish();

 private:
  struct frame {
    bool is_object = false;
    bool has_items = false;
  };
  // Deeper than any reply; request bodies are parsed with a depth limit of 16.
  static constexpr std::size_t max_depth = 32;

  // Writes the comma a value needs at p (inside room for it) and returns where the value goes.
  char* before_value(char* p);
  void open(bool is_object, char bracket);
  void close(bool is_object, char bracket);
  // Where n more bytes can be written, after the text so far; growing the buffer when short.
  char* room(std::size_t n) {
    if (out_.size() - length_ < n) [[unlikely]] {
      grow(n);
    }
    return out_.data() + length_;
  }
  void grow(std::size_t n);
  // Writes s quoted and escaped at at, inside room asked for s unescaped and its quotes; after
  // is how many bytes the caller writes after the closing quote within that room. Returns the end.
  char* write_quoted(char* at, std::string_view s, std::size_t after);
  // The text now ends at end, a pointer into the room last asked for.
  writer& wrote_to(const char* end) {
    length_ = static_cast<std::size_t>(end - out_.data());
    return *this;
  }

  // The text is out_'s first length_ bytes; the rest is room, sized ahead of the writes so
  // that each writes through a pointer, with one bounds check, rather than appending piece
  // by piece (every append checks and may grow).
  std::string out_;
  std::size_t length_ = 0;
  std::array<frame, max_depth> frames_{};
  std::size_t depth_ = 0;
  bool key_pending_ = false;
  bool top_written_ = false;
};

}  // namespace qm::json
