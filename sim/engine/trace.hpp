#pragma once
// The run's trace: one line per event, stamped with virtual time, folded into a running hash.
// Same scenario + same seed = same lines = same hash. Lines are kept only when asked for
// (--trace), so long runs stay cheap; the hash is always kept.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/time.hpp"

namespace qm::sim {

// The hash itself; inline, since a log line folds a dozen pieces into its digest.
namespace trace_detail {

// The trace hash folds its input a word at a time: a byte-serial hash (FNV-1a) over every
// event of a run was 3% of checkout_rush's instructions. Words are read little-endian
// whatever the machine, so a run hashes the same everywhere.
// A little-endian word of Word's width at p, widened to 64 bits.
template <typename Word>
  requires(sizeof(Word) == 4 || sizeof(Word) == 8)
inline std::uint64_t load_le(const char* p) {
  Word w = 0;
  std::memcpy(&w, p, sizeof w);
  if constexpr (std::endian::native == std::endian::big) {
    if constexpr (sizeof w == 8) {
      w = __builtin_bswap64(w);
    } else {
      w = __builtin_bswap32(w);
    }
  }
  return w;
}

inline std::uint64_t byte_at(const char* p, std::size_t i) {
  return static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
}

// The last n < 8 bytes as a little-endian word, zero above them: what a memcpy of n bytes
// into a zeroed word gives, without the call a variable-length memcpy compiles to (it was
// half of the hash's instructions, most pieces being short names). Two overlapping loads
// cover 4..7 bytes (a shared byte is the same in both), three single bytes cover 1..3.
inline std::uint64_t load_le_tail(const char* p, std::size_t n) {
  if (n >= 4) {
    return load_le<std::uint32_t>(p) | (load_le<std::uint32_t>(p + n - 4) << (8 * (n - 4)));
  }
  if (n > 0) {
    return byte_at(p, 0) | byte_at(p, n / 2) | byte_at(p, n - 1);
  }
  return 0;
}

inline std::uint64_t mix(std::uint64_t h, std::uint64_t word) {
  h = std::rotl(h, 23) ^ word;
  h *= 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 31);
}

// Folds one piece and its length, so the pieces' boundaries count: ("ab", "c") and
// ("a", "bc") hash apart.
inline std::uint64_t fold(std::uint64_t h, std::string_view piece) {
  const char* p = piece.data();
  std::size_t n = piece.size();
  for (; n >= 8; p += 8, n -= 8) {
    h = mix(h, load_le<std::uint64_t>(p));
  }
  return mix(mix(h, load_le_tail(p, n)), piece.size());
}

}  // namespace trace_detail

// A digest of an event's content, folded piece by piece with the trace's own hash, for
// trace::record_digest.
class trace_digest {
 public:
  trace_digest& add(std::string_view piece) {
    h_ = trace_detail::fold(h_, piece);
    return *this;
  }
  trace_digest& add(std::int64_t n) {
    h_ = trace_detail::mix(h_, static_cast<std::uint64_t>(n));
    return *this;
  }
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
