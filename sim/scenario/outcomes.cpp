#include "sim/scenario/outcomes.hpp"

#include <algorithm>
#include <cmath>

namespace qm::sim {

std::string outcome_word(const request_record& r) {
  switch (r.outcome) {
    case call_outcome::answered: return std::to_string(r.status);
    case call_outcome::timeout: return "timeout";
    case call_outcome::connect_failed: return "connect_failed";
    case call_outcome::other_error: return "error";
  }
  return "error";
}

bool outcome_matches(const request_record& r, std::string_view word) {
  if (r.outcome != call_outcome::answered) {
    return word == outcome_word(r);
  }
  if (word.size() == 3 && word[1] == 'x' && word[2] == 'x') {
    return r.status / 100 == word[0] - '0';
  }
  return word == std::to_string(r.status);
}

bool is_success(const request_record& r) {
  return r.outcome == call_outcome::answered && r.status >= 200 && r.status < 300;
}

bool is_server_error(const request_record& r) {
  return r.outcome == call_outcome::answered && r.status >= 500 && r.status != 503 &&
         r.status != 504;
}

void outcome_log::add(const request_record& r) {
  if (records_.size() < max_records_) {
    records_.push_back(r);
  } else {
    ++dropped_;
  }
}

std::uint32_t outcome_log::subject_id(const std::string& subject) {
  if (auto it = subject_ids_.find(subject); it != subject_ids_.end()) {
    return it->second;
  }
  if (subject_names_.size() >= max_subjects) {
    return static_cast<std::uint32_t>(max_subjects + 1);
  }
  subject_names_.push_back(subject);
  const auto id = static_cast<std::uint32_t>(subject_names_.size());
  subject_ids_.emplace(subject, id);
  return id;
}

const std::string& outcome_log::subject_name(std::uint32_t id) const {
  static const std::string unknown = "(unknown)";
  return id >= 1 && id <= subject_names_.size() ? subject_names_[id - 1] : unknown;
}

duration latency_quantile(std::vector<duration> latencies, double q) {
  if (latencies.empty()) {
    return duration(0);
  }
  std::sort(latencies.begin(), latencies.end());
  // Nearest-rank: the smallest value with at least q of the samples at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(latencies.size())));
  return latencies[std::clamp<std::size_t>(rank, 1, latencies.size()) - 1];
}

}  // namespace qm::sim
