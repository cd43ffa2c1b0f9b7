#include "sim/engine/trace.hpp"

#include <charconv>
#include <cstdio>

#include "core/base/assert.hpp"

namespace qm::sim {

using trace_detail::fold;
using trace_detail::mix;

trace::trace(bool keep_lines, std::size_t max_lines)
    : hash_(fold(0, "quickmart-trace-v2")), max_lines_(max_lines), keep_lines_(keep_lines) {}

// The hash covers every event's (virtual µs, node, kind, detail), in order; an event recorded
// by digest folds the digest in the detail's place.
std::uint64_t trace::folded_head(time_point t, std::string_view node, std::string_view kind) const {
  std::uint64_t h = mix(hash_, static_cast<std::uint64_t>(to_unix_us(t)));
  h = fold(h, node);
  return fold(h, kind);
}

void trace::record(time_point t, std::string_view node, std::string_view kind,
                   std::string_view detail) {
  hash_ = fold(folded_head(t, node, kind), detail);
  ++recorded_;
  if (keep_lines_) {
    keep_line(t, node, kind, detail);
  }
}

void trace::fold_event(time_point t, std::string_view node, std::string_view kind,
                       std::uint64_t digest) {
  hash_ = mix(folded_head(t, node, kind), digest);
  ++recorded_;
}

void trace::keep_line(time_point t, std::string_view node, std::string_view kind,
                      std::string_view detail) {
  if (lines_.size() >= max_lines_) {
    ++dropped_;
    return;
  }
  char stamp[24];
  const auto [end, ec] = std::to_chars(stamp, stamp + sizeof stamp, to_unix_us(t));
  QM_ASSERT(ec == std::errc());
  const std::string_view stamp_text(stamp, static_cast<std::size_t>(end - stamp));
  std::string line;
  line.reserve(stamp_text.size() + node.size() + kind.size() + detail.size() + 3);
  line += stamp_text;
  line += ' ';
  line += node;
  line += ' ';
  line += kind;
  line += ' ';
  line += detail;
  lines_.push_back(std::move(line));
}

std::string trace::hash_hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_));
  return buf;
}

}  // namespace qm::sim
