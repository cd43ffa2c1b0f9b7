#include "core/token/flat_json.hpp"

#include <boost/json/basic_parser_impl.hpp>

namespace qm::token {

namespace {

using boost::json::error_code;
using boost::json::string_view;

// basic_parser handler: builds the members, failing on anything outside the accepted subset.
// Keys and strings may arrive in parts; they are accumulated in `partial`.
struct flat_handler {
  static constexpr std::size_t max_array_size = 0;
  static constexpr std::size_t max_object_size = flat_max_members;
  static constexpr std::size_t max_string_size = flat_max_string_bytes;
  static constexpr std::size_t max_key_size = flat_max_string_bytes;

  flat_object members;
  std::string key;
  std::string partial;
  int depth = 0;

  static bool reject(error_code& ec) {
    ec = boost::json::error::syntax;
    return false;
  }
  // A value may only appear as a member of the top-level object.
  bool store(flat_value v, error_code& ec) {
    if (depth != 1) {
      return reject(ec);
    }
    if (!members.emplace(std::move(key), std::move(v)).second) {
      return reject(ec);  // a duplicate member name
    }
    key.clear();
    return true;
  }

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code& ec) { return reject(ec); }
  bool on_array_end(std::size_t, error_code& ec) { return reject(ec); }
  bool on_object_begin(error_code& ec) {
    if (depth != 0) {
      return reject(ec);
    }
    depth = 1;
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    depth = 0;
    return true;
  }
  bool on_string_part(string_view s, std::size_t, error_code&) {
    partial.append(s.data(), s.size());
    return true;
  }
  bool on_string(string_view s, std::size_t, error_code& ec) {
    partial.append(s.data(), s.size());
    std::string v = std::move(partial);
    partial.clear();
    return store(std::move(v), ec);
  }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    partial.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code&) {
    partial.append(s.data(), s.size());
    key = std::move(partial);
    partial.clear();
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t i, string_view, error_code& ec) { return store(i, ec); }
  bool on_uint64(std::uint64_t, string_view, error_code& ec) { return reject(ec); }
  bool on_double(double, string_view, error_code& ec) { return reject(ec); }
  bool on_bool(bool, error_code& ec) { return reject(ec); }
  bool on_null(error_code& ec) { return reject(ec); }
  bool on_comment_part(string_view, error_code& ec) { return reject(ec); }
  bool on_comment(string_view, error_code& ec) { return reject(ec); }
};

}  // namespace

std::optional<flat_object> parse_flat_object(std::string_view text) {
  boost::json::parse_options opts;
  opts.max_depth = 1;
  boost::json::basic_parser<flat_handler> parser(opts);
  error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (ec || used != text.size() || !parser.done()) {
    return std::nullopt;
  }
  return std::move(parser.handler().members);
}

}  // namespace qm::token
