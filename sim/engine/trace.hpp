#pragma once
// The run's trace: one line per event, stamped with virtual time, folded into a running hash.
// Same scenario + same seed = same lines = same hash. Lines are kept only when asked for
// (--trace), so long runs stay cheap; the hash is always kept.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/time.hpp"

namespace qm::sim {

class trace {
 public:
  // keep_lines: store every line for writing out later (bounded by max_lines; past that the
  // hash still covers every line and the overflow is counted).
  explicit trace(bool keep_lines = false, std::size_t max_lines = 5'000'000);

  // Records "<t_us> <node> <kind> <detail>".
  void record(time_point t, std::string_view node, std::string_view kind, std::string_view detail);

  bool keeps_lines() const { return keep_lines_; }
  std::uint64_t hash() const { return hash_; }
  std::string hash_hex() const;
  std::uint64_t lines_recorded() const { return recorded_; }
  std::uint64_t lines_dropped() const { return dropped_; }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::vector<std::string> lines_;
  std::uint64_t hash_;
  std::uint64_t recorded_ = 0;
  std::uint64_t dropped_ = 0;
  std::size_t max_lines_;
  bool keep_lines_;
};

}  // namespace qm::sim
