#pragma once
// The vocabulary of the Prometheus text format 0.0.4: valid names, escaped label values and help,
// numbers as rules and dashboards write them. Every writer appends to one output string, so an
// exposition builds no temporary string per line.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/assert.hpp"

namespace qm::metrics {

using labels = std::vector<std::pair<std::string, std::string>>;

// What a scrape answer's Content-Type says.
inline constexpr std::string_view text_content_type = "text/plain; version=0.0.4; charset=utf-8";

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool is_valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, and not starting with "__" (reserved for Prometheus itself).
bool is_valid_label_name(std::string_view name);

// `k="v",k2="v2"` with values escaped (\\, \", \n); nothing for no labels.
void append_label_pairs(std::string& out, const labels& l);
// Help text with \\ and \n escaped.
void append_help(std::string& out, std::string_view help);
// The shortest text that reads back as the same double (le="0.1", not 0.10000000000000001);
// +Inf, -Inf, NaN as the format spells them.
void append_number(std::string& out, double v);

// The same number written at `at`, which has room for max_number_chars; returns the end.
// For writers that size their buffer ahead instead of appending piece by piece.
inline constexpr std::size_t max_number_chars = 32;
char* write_number(char* at, double v);
char* write_count(char* at, std::uint64_t v);

// Writes the exposition through a cursor into a small staging buffer that is appended to the
// output whenever it fills: a sample line costs a few memcpy and no capacity check per piece,
// and the output is never zero-filled ahead. The caller asks for room before each run of puts
// (room(n) covers the next n bytes); finish() appends what is staged.
class text_writer {
 public:
  static constexpr std::size_t stage_bytes = 16 * 1024;

  text_writer(std::string& out, std::size_t expected_bytes);
  void room(std::size_t n) {
    if (static_cast<std::size_t>(end_ - at_) < n) {
      make_room(n);
    }
  }
  // Each put checks it stays inside the room asked for: a wrong room() is a bug, never an
  // overrun (the check is a compare per piece, a few percent of a scrape).
  void put(std::string_view s) {
    QM_ASSERT(s.size() <= static_cast<std::size_t>(end_ - at_));
    std::memcpy(at_, s.data(), s.size());
    at_ += s.size();
  }
  void put(char c) {
    QM_ASSERT(at_ < end_);
    *at_++ = c;
  }
  void put_number(double v) {
    QM_ASSERT(max_number_chars <= static_cast<std::size_t>(end_ - at_));
    at_ = write_number(at_, v);
  }
  void put_count(std::uint64_t v) {
    QM_ASSERT(max_number_chars <= static_cast<std::size_t>(end_ - at_));
    at_ = write_count(at_, v);
  }
  void finish();

 private:
  void make_room(std::size_t n);

  std::string& out_;
  std::string stage_;
  char* begin_;
  char* at_;
  char* end_;
};

}  // namespace qm::metrics
