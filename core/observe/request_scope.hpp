#pragma once
// What the runtime knows about the request a handler serves, shared by the server, the
// handler and its log lines: the request id, this hop's span, the route template, and the
// caller's user id once authentication has told it. The server creates it when a request
// arrives and reads user_id back for the access log, so a handler (or services::authenticate)
// fills user_id in through the request_context's shared pointer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/observe/trace_context.hpp"

namespace qm::observe {

inline constexpr std::string_view request_id_header = "X-Request-ID";
inline constexpr std::size_t max_request_id_length = 128;

// 1..128 characters of [A-Za-z0-9._:-]: safe to copy into headers, JSON and log lines.
bool is_well_formed_request_id(std::string_view id);

// A fresh request id: 32 lowercase hex digits from two random values.
std::string new_request_id(std::uint64_t random_a, std::uint64_t random_b);

struct request_scope {
  std::string request_id;
  observe::span span;
  std::string_view method;  // "GET", ...: a static string
  // The template ("/orders/{id}"), "unmatched" when none matched: text owned by the server
  // (its request_observer), which outlives the scopes it opens.
  std::string_view route;
  std::int64_t user_id = 0;  // 0 until the caller is known
};

// The route label of a request no route matched: one label, whatever the path, so random
// paths cannot grow the metric series or the log vocabulary.
inline constexpr std::string_view unmatched_route = "unmatched";

}  // namespace qm::observe
