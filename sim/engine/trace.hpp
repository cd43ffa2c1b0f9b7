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

// A digest of an event's content, folded piece by piece with the trace's own hash, for
// trace::record_digest.
class trace_digest {
 public:
  trace_digest& add(std::string_view piece);
  trace_digest& add(std::int64_t n);
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0x2545f4914f6cdd1dULL;
};

class trace {
 public:
  // keep_lines: store every line for writing out later (bounded by max_lines; past that the
  // hash still covers every line and the overflow is counted).
  explicit trace(bool keep_lines = false, std::size_t max_lines = 5'000'000);

  // Records "<t_us> <node> <kind> <detail>".
  void record(time_point t, std::string_view node, std::string_view kind, std::string_view detail);
  // Records an event whose detail is costly to write out (a JSON log line): the hash covers
  // digest, a digest of the event's content, and detail is only asked for when lines are kept.
  // The hash is then the same whether lines are kept or not.
  template <typename WriteDetail>
  void record_digest(time_point t, std::string_view node, std::string_view kind,
                     std::uint64_t digest, WriteDetail&& write_detail) {
    fold_event(t, node, kind, digest);
    if (keep_lines_) {
      keep_line(t, node, kind, write_detail());
    }
  }

  bool keeps_lines() const { return keep_lines_; }
  std::uint64_t hash() const { return hash_; }
  std::string hash_hex() const;
  std::uint64_t lines_recorded() const { return recorded_; }
  std::uint64_t lines_dropped() const { return dropped_; }
  const std::vector<std::string>& lines() const { return lines_; }

 private:
  std::uint64_t folded_head(time_point t, std::string_view node, std::string_view kind) const;
  void fold_event(time_point t, std::string_view node, std::string_view kind, std::uint64_t digest);
  void keep_line(time_point t, std::string_view node, std::string_view kind, std::string_view detail);

  std::vector<std::string> lines_;
  std::uint64_t hash_;
  std::uint64_t recorded_ = 0;
  std::uint64_t dropped_ = 0;
  std::size_t max_lines_;
  bool keep_lines_;
};

}  // namespace qm::sim
