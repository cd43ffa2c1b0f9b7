#include "sim/engine/trace.hpp"

#include <cstdio>

#include "sim/engine/prng.hpp"

namespace qm::sim {

trace::trace(bool keep_lines, std::size_t max_lines)
    : hash_(fnv1a64("quickmart-trace-v1")), max_lines_(max_lines), keep_lines_(keep_lines) {}

void trace::record(time_point t, std::string_view node, std::string_view kind,
                   std::string_view detail) {
  std::string line = std::to_string(to_unix_us(t) - to_unix_us(from_unix_us(0)));
  line.reserve(line.size() + node.size() + kind.size() + detail.size() + 3);
  line += ' ';
  line += node;
  line += ' ';
  line += kind;
  line += ' ';
  line += detail;
  hash_ = fnv1a64(line, hash_);
  hash_ = fnv1a64("\n", hash_);
  ++recorded_;
  if (keep_lines_) {
    if (lines_.size() < max_lines_) {
      lines_.push_back(std::move(line));
    } else {
      ++dropped_;
    }
  }
}

std::string trace::hash_hex() const {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_));
  return buf;
}

}  // namespace qm::sim
