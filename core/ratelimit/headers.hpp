#pragma once
// The response header fields that tell a client where it stands after a decision.
//
// Two vocabularies, because clients know one or the other:
//   - the de facto X-RateLimit-Limit / -Remaining / -Reset (seconds until a slot frees, rounded
//     up), and Retry-After on a refusal (seconds, rounded up, at least 1);
//   - the IETF fields as written in draft-ietf-httpapi-ratelimit-headers-11 (May 2026), which
//     since draft-08 are Structured Field lists naming a policy:
//       RateLimit-Policy: "<class>";q=<limit>;w=<window seconds>
//       RateLimit: "<class>";r=<remaining>;t=<seconds until a slot frees>
//     (draft-07's "RateLimit: limit=..., remaining=..., reset=..." form is obsolete.)

#include <cstdint>

#include "core/base/time.hpp"
#include "core/http/message.hpp"
#include "core/ratelimit/rate_class.hpp"
#include "core/ratelimit/verdict.hpp"

namespace qm::ratelimit {

// Whole seconds in d, rounded up (a client that waits that long finds the slot free).
std::int64_t seconds_rounded_up(duration d);

// The fields for a decision under cls (cls names the policy and gives its window; the limit
// and the counts come from the verdict), set into a response's headers (replacing any field of
// the same name), in the order rate_limit_headers lists them.
void set_rate_limit_headers(http::headers& into, const rate_class& cls, const verdict& v);
// The same fields on their own.
http::headers rate_limit_headers(const rate_class& cls, const verdict& v);

}  // namespace qm::ratelimit
