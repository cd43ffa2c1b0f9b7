#pragma once
// Request ids: every request through the gateway carries an X-Request-ID to its upstream and
// back to the client, so one id follows a request through every log line and trace event.

#include <optional>
#include <string>
#include <string_view>

#include "runtime/random.hpp"

namespace qm::gateway {

inline constexpr std::string_view request_id_header = "X-Request-ID";
inline constexpr std::size_t max_request_id_len = 64;

// True for 1..64 characters of [A-Za-z0-9_-]: safe to copy into headers, logs and JSON.
bool well_formed_request_id(std::string_view id);

// The client's id when well-formed, else a fresh one (32 hex digits from random).
std::string choose_request_id(std::optional<std::string_view> from_client, rt::random& random);

}  // namespace qm::gateway
