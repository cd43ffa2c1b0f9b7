#pragma once
// Request ids: every request through the gateway carries an X-Request-ID to its upstream and
// back to the client, so one id follows a request through every log line and trace event.

#include <optional>
#include <string>
#include <string_view>

#include "core/observe/request_scope.hpp"
#include "runtime/random.hpp"

namespace qm::gateway {

inline constexpr std::string_view request_id_header = observe::request_id_header;

// The client's id when well formed (observe::is_well_formed_request_id, the rule every server
// applies), else a fresh one (32 hex digits from random).
std::string choose_request_id(std::optional<std::string_view> from_client, rt::random& random);

}  // namespace qm::gateway
