#include "sim/engine/trace.hpp"

#include <bit>
#include <charconv>
#include <cstring>
#include <cstdio>

#include "core/base/assert.hpp"

namespace qm::sim {

namespace {

// The trace hash folds its input a word at a time: a byte-serial hash (FNV-1a) over every
// event of a run was 3% of checkout_rush's instructions. Words are read little-endian
// whatever the machine, so a run hashes the same everywhere.
std::uint64_t load_le64(const char* p) {
  std::uint64_t w = 0;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) {
    w = __builtin_bswap64(w);
  }
  return w;
}

std::uint64_t load_le32(const char* p) {
  std::uint32_t w = 0;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) {
    w = __builtin_bswap32(w);
  }
  return w;
}

std::uint64_t byte_at(const char* p, std::size_t i) {
  return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
}

// The last n < 8 bytes as a little-endian word, zero above them: what a memcpy of n bytes
// into a zeroed word gives, without the call a variable-length memcpy compiles to (it was
// half of the hash's instructions, most pieces being short names). Two overlapping loads
// cover 4..7 bytes (a shared byte is the same in both), three single bytes cover 1..3.
std::uint64_t load_le_tail(const char* p, std::size_t n) {
  if (n >= 4) {
    return load_le32(p) | (load_le32(p + n - 4) << (8 * (n - 4)));
  }
  if (n > 0) {
    return byte_at(p, 0) | byte_at(p, n / 2) | byte_at(p, n - 1);
  }
  return 0;
}

std::uint64_t mix(std::uint64_t h, std::uint64_t word) {
  h = std::rotl(h, 23) ^ word;
  h *= 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 31);
}

// Folds one piece and its length, so the pieces' boundaries count: ("ab", "c") and
// ("a", "bc") hash apart.
std::uint64_t fold(std::uint64_t h, std::string_view piece) {
  const char* p = piece.data();
  std::size_t n = piece.size();
  for (; n >= 8; p += 8, n -= 8) {
    h = mix(h, load_le64(p));
  }
  return mix(mix(h, load_le_tail(p, n)), piece.size());
}

}  // namespace

trace::trace(bool keep_lines, std::size_t max_lines)
    : hash_(fold(0, "quickmart-trace-v2")), max_lines_(max_lines), keep_lines_(keep_lines) {}

trace_digest& trace_digest::add(std::string_view piece) {
  h_ = fold(h_, piece);
  return *this;
}

trace_digest& trace_digest::add(std::int64_t n) {
  h_ = mix(h_, static_cast<std::uint64_t>(n));
  return *this;
}

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
