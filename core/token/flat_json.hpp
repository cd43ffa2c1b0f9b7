#pragma once
// A strict reader for the flat JSON objects inside a token (header and payload). A token is
// attacker-controlled input, so the reader accepts much less than JSON allows: one object of
// string and integer members only, no nesting, no duplicate names (a JSON DOM would silently
// keep the last of two "sub" members), bounded member count and sizes.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace qm::token {

using flat_value = std::variant<std::string, std::int64_t>;
using flat_object = std::map<std::string, flat_value, std::less<>>;

inline constexpr std::size_t flat_max_members = 16;
inline constexpr std::size_t flat_max_string_bytes = 256;

// The members of text, or std::nullopt when text is not such an object.
std::optional<flat_object> parse_flat_object(std::string_view text);

}  // namespace qm::token
