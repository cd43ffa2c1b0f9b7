#include "sim/engine/trace.hpp"

#include <charconv>
#include <cstdio>

#include "core/base/assert.hpp"
#include "sim/engine/prng.hpp"

namespace qm::sim {

trace::trace(bool keep_lines, std::size_t max_lines)
    : hash_(fnv1a64("quickmart-trace-v1")), max_lines_(max_lines), keep_lines_(keep_lines) {}

void trace::record(time_point t, std::string_view node, std::string_view kind,
                   std::string_view detail) {
  // The hash covers "<t_us> <node> <kind> <detail>\n". It is folded piece by piece (FNV-1a is
  // a stream hash), so a run that keeps no lines never builds one.
  char stamp[24];
  const auto [end, ec] = std::to_chars(stamp, stamp + sizeof stamp, to_unix_us(t));
  QM_ASSERT(ec == std::errc());
  const std::string_view stamp_text(stamp, static_cast<std::size_t>(end - stamp));
  std::uint64_t h = fnv1a64(stamp_text, hash_);
  h = fnv1a64(" ", h);
  h = fnv1a64(node, h);
  h = fnv1a64(" ", h);
  h = fnv1a64(kind, h);
  h = fnv1a64(" ", h);
  h = fnv1a64(detail, h);
  hash_ = fnv1a64("\n", h);
  ++recorded_;
  if (!keep_lines_) {
    return;
  }
  if (lines_.size() >= max_lines_) {
    ++dropped_;
    return;
  }
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
