#pragma once
// What the virtual clients saw: one record per request, in virtual time, bounded in number.
// Checks and the summary are computed from these records alone.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/time.hpp"

namespace qm::sim {

enum class call_outcome : std::uint8_t { answered, timeout, connect_failed, other_error };

struct request_record {
  std::uint8_t step = 0;  // index into known_step_names()
  call_outcome outcome = call_outcome::answered;
  int status = 0;  // HTTP status when answered
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

 private:
  std::vector<request_record> records_;
  std::size_t max_records_;
  std::uint64_t dropped_ = 0;
};

// Quantile q of the records' latencies (end - start); zero when there are none.
duration latency_quantile(std::vector<duration> latencies, double q);

}  // namespace qm::sim
