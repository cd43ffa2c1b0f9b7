#pragma once
// JSON for request and response bodies: Boost.JSON values plus the checked accessors that
// every handler needs, so bad input always becomes a field-level 400, never a crash.

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"

namespace qm::json {

using boost::json::array;
using boost::json::object;
using boost::json::serialize;
using boost::json::value;

// What was wrong with an input document, and where: field is "" for the whole body.
struct input_error {
  std::string field;
  std::string message;
};

// Parses a request body that must be a JSON object of at most max_bytes.
result<object, input_error> parse_object(std::string_view body, std::size_t max_bytes = 64 * 1024);

// Checked field reads. A missing optional field gives std::nullopt; a present field of the
// wrong type or out of bounds is an error naming the field.
result<std::string, input_error> required_string(const object& o, std::string_view field,
                                                 std::size_t min_len, std::size_t max_len);
result<std::optional<std::string>, input_error> optional_string(const object& o,
                                                                 std::string_view field,
                                                                 std::size_t min_len,
                                                                 std::size_t max_len);
result<std::int64_t, input_error> required_int(const object& o, std::string_view field,
                                               std::int64_t min, std::int64_t max);

// Rejects fields outside the allowed set (a typo should be an error, not silently ignored).
result<void, input_error> only_fields(const object& o,
                                      std::initializer_list<std::string_view> allowed);

}  // namespace qm::json
