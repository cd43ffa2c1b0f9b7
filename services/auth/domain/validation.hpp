#pragma once
// The input rules of the auth API: what a register, login, profile update or token request
// may contain. Every rule failure names the field, so the client gets a field-level 400.
// Nothing here touches storage; handlers parse first and write only valid input.

#include <optional>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/json/json.hpp"

namespace qm::auth {

using json::input_error;

inline constexpr std::size_t max_body_bytes = 16 * 1024;
inline constexpr std::size_t min_password_len = 8;
inline constexpr std::size_t max_password_len = 128;
inline constexpr std::size_t max_name_len = 100;
inline constexpr std::size_t max_email_len = 254;
inline constexpr std::size_t max_phone_len = 16;

// An email address, lowercased (addresses are matched case-insensitively): one '@', a local
// part of 1..64 characters, a dotted domain, no spaces or control characters.
result<std::string, input_error> normalize_email(std::string_view email);
// A phone number in E.164 shape: an optional '+' and 7..15 digits, nothing else.
result<std::string, input_error> normalize_phone(std::string_view phone);
// A display name: 1..100 characters, not blank, no control characters.
result<std::string, input_error> check_name(std::string_view name);

struct register_input {
  std::optional<std::string> email;  // normalized
  std::optional<std::string> phone;  // normalized
  std::string password;
  std::string name;
};

// Either identifier (at least one), which the client chose for logging in.
struct login_input {
  std::optional<std::string> email;  // lowercased, not validated (unknown users just fail)
  std::optional<std::string> phone;
  std::string password;
};

struct profile_update {
  std::optional<std::string> name;
  std::optional<std::string> phone;
};

result<register_input, input_error> parse_register(std::string_view body);
result<login_input, input_error> parse_login(std::string_view body);
result<profile_update, input_error> parse_profile_update(std::string_view body);
// A body {"<field>": "<token>"} (refresh, logout, verify-token).
result<std::string, input_error> parse_token_body(std::string_view body, std::string_view field);

// "field: message", or the message alone for errors about the whole body.
std::string describe(const input_error& e);

}  // namespace qm::auth
