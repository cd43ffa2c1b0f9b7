#pragma once
// What the virtual clients saw: one record per request, in virtual time, bounded in number.
// Checks and the summary are computed from these records alone.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/text_hash.hpp"
#include "core/base/time.hpp"

namespace qm::sim {

enum class call_outcome : std::uint8_t { answered, timeout, connect_failed, other_error };

// What a request was as far as the gateway's rate limiter and authentication are concerned,
// and what the reply said about them (the resilience checks read these).
enum record_flag : std::uint8_t {
  flag_signed_in = 1,    // sent with the client's own valid token (a protected route)
  flag_stale = 2,        // the reply carried X-Quickmart-Fallback: stale-cache
  flag_rate_fields = 4,  // the reply carried both RateLimit and RateLimit-Policy
};

// The rate-limit classes as the gateway documents them (0: not tagged).
enum class limit_class_tag : std::uint8_t { none, auth, admin, general };

struct request_record {
  std::uint8_t step = 0;  // index into known_step_names()
  call_outcome outcome = call_outcome::answered;
  limit_class_tag limit_class = limit_class_tag::none;
  std::uint8_t flags = 0;  // record_flag bits
  int status = 0;  // HTTP status when answered
  std::uint32_t subject = 0;  // the rate-limit subject, interned in outcome_log; 0 = unknown
  // X-RateLimit-Limit, X-RateLimit-Remaining and Retry-After (seconds) of the reply; -1 = absent.
  std::int32_t limit_header = -1;
  std::int32_t remaining_header = -1;
  std::int32_t retry_after_s = -1;
  time_point start{};
  time_point end{};
};

// "2xx", "503", "timeout": the words checks use for what a request got.
bool outcome_matches(const request_record& r, std::string_view word);
std::string outcome_word(const request_record& r);
bool is_success(const request_record& r);
// A 5xx that is not a deliberate 503/504 answer: a bug somewhere.
bool is_server_error(const request_record& r);

class outcome_log {
 public:
  explicit outcome_log(std::size_t max_records = 5'000'000) : max_records_(max_records) {}
  void add(const request_record& r);
  const std::vector<request_record>& records() const { return records_; }
  std::uint64_t dropped() const { return dropped_; }
  // A small id for a rate-limit subject ("ip:100.64.0.1", "acct:user3@..."); ids start at 1.
  // Bounded: past max_subjects every new subject shares id max_subjects + 1.
  std::uint32_t subject_id(const std::string& subject);
  const std::string& subject_name(std::uint32_t id) const;

 private:
  static constexpr std::size_t max_subjects = 1'000'000;
  std::vector<request_record> records_;
  // Hashed: looked up once per request; never iterated (ids are handed out in order).
  std::unordered_map<std::string, std::uint32_t, text_hash, std::equal_to<>> subject_ids_;
  std::vector<std::string> subject_names_;
  std::size_t max_records_;
  std::uint64_t dropped_ = 0;
};

// Quantile q of the records' latencies (end - start); zero when there are none.
duration latency_quantile(std::vector<duration> latencies, double q);

}  // namespace qm::sim
