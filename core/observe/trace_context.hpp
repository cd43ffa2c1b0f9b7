#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header and the
// span of one hop. Every server opens a span per request: a child of the caller's span when
// the request carries a valid traceparent, else the root of a new trace. Calls the handler
// makes carry the server's span as their parent, so one checkout can be followed through
// gateway -> order -> cart/product/... by trace_id, and its shape rebuilt from
// span_id/parent_span_id. Ids are kept as lowercase hex, the form they are logged and sent in.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace qm::observe {

inline constexpr std::string_view traceparent_header = "traceparent";
inline constexpr std::string_view tracestate_header = "tracestate";

using trace_id_hex = std::array<char, 32>;
using span_id_hex = std::array<char, 16>;
// A version 00 traceparent as sent: "00-" + 32 + "-" + 16 + "-" + 2 characters.
using traceparent_text = std::array<char, 55>;

// What a valid traceparent says: the caller's trace, its span (our parent) and its flags.
struct traceparent {
  trace_id_hex trace_id{};
  span_id_hex parent_id{};
  std::uint8_t flags = 0;
};

// Parses a traceparent value. Version 00 must be exactly 55 characters; a later version is
// read by its first four fields (the spec's forward compatibility); version ff, upper-case
// hex, an all-zero trace or parent id, and anything malformed are refused.
std::optional<traceparent> parse_traceparent(std::string_view value);

// The span of one request at one hop.
struct span {
  trace_id_hex trace_id{};
  span_id_hex span_id{};
  span_id_hex parent_id{};  // all '0' for a root span
  std::uint8_t flags = 1;   // sampled: we record every span

  bool has_parent() const;
  std::string_view trace_id_view() const { return {trace_id.data(), trace_id.size()}; }
  std::string_view span_id_view() const { return {span_id.data(), span_id.size()}; }
  std::string_view parent_id_view() const { return {parent_id.data(), parent_id.size()}; }
  // The traceparent a call made inside this span carries: 00-<trace>-<this span>-<flags>.
  std::string child_traceparent() const;
  // The same characters, without a string to hold them.
  traceparent_text child_traceparent_text() const;
};

// A child of parent (the caller's traceparent) or, without one, a new root. The random
// values come from the runtime (seeded in the simulator); zero ids are never produced.
span open_span(const std::optional<traceparent>& parent, std::uint64_t random_a,
               std::uint64_t random_b, std::uint64_t random_c);

// The span a traceparent names: its trace, its parent id as the span id, its flags. A call
// made later on behalf of the span that wrote the traceparent (an outbox message delivered
// after its request ended) continues that trace: child_traceparent() gives back any value a
// span wrote (version 00, flags 00 or 01). Its own parent is unknown, so it reads as a root.
span span_named_by(const traceparent& p);

// Writes v as 16 lowercase hex digits.
void write_hex16(std::uint64_t v, char* out);

// Whether id is lowercase hex digits in a multiple of 8 characters (the shape of every id
// written by write_hex16).
bool is_lower_hex_id(std::string_view id);

}  // namespace qm::observe
