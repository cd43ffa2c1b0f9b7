#include "core/json/json.hpp"

#include <algorithm>
#include <cstddef>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

namespace qm::json {

namespace {
// The arena of a document of up to a few hundred bytes (most request bodies and replies
// between services), with its first block inside it: one allocation. A monotonic_resource of
// its own is allocated by make_shared_resource and then allocates its first block on first use.
class small_document_arena final : public boost::json::memory_resource {
 public:
  static constexpr std::size_t block_bytes = 1024;

  small_document_arena() : blocks_(first_block_, sizeof first_block_) {}

 private:
  void* do_allocate(std::size_t n, std::size_t align) override { return blocks_.allocate(n, align); }
  void do_deallocate(void* p, std::size_t n, std::size_t align) override {
    blocks_.deallocate(p, n, align);
  }
  bool do_is_equal(const memory_resource& other) const noexcept override { return this == &other; }

  alignas(std::max_align_t) unsigned char first_block_[block_bytes];
  boost::json::monotonic_resource blocks_;
};

unexpected<input_error> fail(std::string_view field, std::string message) {
  return make_unexpected(input_error{std::string(field), std::move(message)});
}

// Well-formed UTF-8 as Unicode defines it (table 3-7): no overlong forms, no surrogates,
// nothing above U+10FFFF. Overlong forms matter: "\xC0\xAF" is a disguised '/'.
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    unsigned char lo = 0x80;  // allowed range of the second byte
    unsigned char hi = 0xBF;
    if (c < 0x80) {
      extra = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      lo = c == 0xE0 ? 0xA0 : 0x80;
      hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      lo = c == 0xF0 ? 0x90 : 0x80;
      hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return false;
    }
    if (i + extra >= s.size()) {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      const unsigned char min = k == 1 ? lo : 0x80;
      const unsigned char max = k == 1 ? hi : 0xBF;
      if (b < min || b > max) {
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

// Length in code points, so a 64-character limit means what a user would think it means.
std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) >> 6) != 0x2; }));
}
}  // namespace

result<object, input_error> parse_object(std::string_view body, std::size_t max_bytes) {
  if (body.size() > max_bytes) {
    return fail("", "body is larger than " + std::to_string(max_bytes) + " bytes");
  }
  if (body.empty()) {
    return fail("", "body is empty; a JSON object is required");
  }
  boost::system::error_code ec;
  boost::json::parse_options opts;
  opts.max_depth = 16;
  // The document's keys, strings, objects and arrays all come from one arena that lives as long
  // as the returned object: parsing allocates a block or two instead of once per node. A
  // document is at most max_bytes, so what the arena holds on to is bounded as well.
  const std::size_t first_block_bytes = 2 * body.size() + 256;
  boost::json::storage_ptr arena =
      first_block_bytes <= small_document_arena::block_bytes
          ? boost::json::make_shared_resource<small_document_arena>()
          : boost::json::make_shared_resource<boost::json::monotonic_resource>(first_block_bytes);
  value v = boost::json::parse(body, ec, std::move(arena), opts);
  if (ec) {
    return fail("", "malformed JSON: " + ec.message());
  }
  if (!v.is_object()) {
    return fail("", "body must be a JSON object");
  }
  return std::move(v.as_object());
}

result<std::optional<std::string>, input_error> optional_string(const object& o,
                                                                 std::string_view field,
                                                                 std::size_t min_len,
                                                                 std::size_t max_len) {
  const value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) {
    return std::optional<std::string>{};
  }
  if (!v->is_string()) {
    return fail(field, "must be a string");
  }
  std::string_view s = v->get_string();
  if (!valid_utf8(s)) {
    return fail(field, "must be valid UTF-8");
  }
  const std::size_t len = utf8_length(s);
  if (len < min_len) {
    return fail(field, "must be at least " + std::to_string(min_len) + " characters");
  }
  if (len > max_len) {
    return fail(field, "must be at most " + std::to_string(max_len) + " characters");
  }
  return std::optional<std::string>(std::string(s));
}

result<std::string, input_error> required_string(const object& o, std::string_view field,
                                                 std::size_t min_len, std::size_t max_len) {
  auto r = optional_string(o, field, min_len, max_len);
  if (!r) {
    return make_unexpected(r.error());
  }
  if (!r.value().has_value()) {
    return fail(field, "is required");
  }
  return std::move(*r.value());
}

result<std::int64_t, input_error> required_int(const object& o, std::string_view field,
                                               std::int64_t min, std::int64_t max) {
  const value* v = o.if_contains(field);
  if (v == nullptr || v->is_null()) {
    return fail(field, "is required");
  }
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->get_uint64());
  } else {
    return fail(field, "must be an integer");
  }
  if (n < min || n > max) {
    return fail(field, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return n;
}

result<void, input_error> only_fields(const object& o,
                                      std::initializer_list<std::string_view> allowed) {
  for (const auto& kv : o) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(kv.key())) == allowed.end()) {
      return fail(kv.key(), "is not a known field");
    }
  }
  return ok_v;
}

}  // namespace qm::json
