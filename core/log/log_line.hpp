#pragma once
// The one shape of a log line, in both worlds: a JSON object per line,
//   {"ts":"2026-01-02T03:04:05.678Z","level":"info","service":"order","msg":"request",
//    "request_id":"...","trace_id":"...","span_id":"...","parent_span_id":"...",
//    "method":"POST","route":"/orders/checkout","user_id":42,"status":201,"duration_ms":12.5}
// ts, level and service come first, then msg, then what the request scope knows, then the
// event's own fields. Production writes lines through spdlog with real time; the simulator
// writes the same lines into its trace with virtual time, so a failing seed's logs replay.
//
// Values of fields whose names look secret (secret, password, token, authorization, cookie,
// api key, credential) are written as "[redacted]": a secret handed to the logger by mistake
// still never reaches a log.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/observe/request_scope.hpp"

namespace qm::log {

enum class level : std::uint8_t { debug, info, warn, error };
std::string_view to_string(level l);

// One field of an event: text by default; number() and decimal() write JSON numbers.
struct field {
  field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  static field number(std::string_view k, std::int64_t v);
  // v with `digits` digits after the point (duration_ms with 3: microseconds).
  static field decimal(std::string_view k, double v, int digits = 3);
  // units / 10^digits, written exactly with `digits` digits after the point: what decimal()
  // writes for that value, without floating-point formatting (duration_ms from a count of
  // microseconds is fixed(k, us, 3)).
  static field fixed(std::string_view k, std::int64_t units, int digits);

  std::string_view key;
  std::string value;
  bool is_number = false;
};

bool is_secret_field(std::string_view name);

// Appends s as a JSON string literal (quoted, escaped, invalid UTF-8 replaced by '?').
void append_json_string(std::string& out, std::string_view s);

// RFC 3339 UTC with milliseconds: "2026-01-02T03:04:05.678Z". Pure arithmetic (no libc time
// zone state), valid for years 0..9999.
void append_rfc3339_ms(std::string& out, std::int64_t unix_us);
std::string format_rfc3339_ms(std::int64_t unix_us);

// Appends the members after ts/level/service, each preceded by a comma: msg, the scope's
// fields (when scope is not null), then fields. An event field that repeats a key already
// written (a scope key, or ts/level/service/msg) is dropped: the line never has duplicate keys.
void append_members(std::string& out, std::string_view message, const observe::request_scope* scope,
                    std::initializer_list<field> fields);

// A whole line with its newline.
void append_line(std::string& out, std::int64_t unix_us, level l, std::string_view service,
                 std::string_view message, const observe::request_scope* scope,
                 std::initializer_list<field> fields);

}  // namespace qm::log
