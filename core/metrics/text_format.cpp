#include "core/metrics/text_format.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/base/assert.hpp"

namespace qm::metrics {

namespace {
bool is_letter_or_underscore(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Backslash and newline escaped; double quotes too inside a label value.
void append_escaped(std::string& out, std::string_view text, bool in_quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && in_quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}
}  // namespace

bool is_valid_metric_name(std::string_view name) {
  if (name.empty() || !(is_letter_or_underscore(name[0]) || name[0] == ':')) {
    return false;
  }
  for (char c : name) {
    if (!(is_letter_or_underscore(c) || is_digit(c) || c == ':')) {
      return false;
    }
  }
  return true;
}

bool is_valid_label_name(std::string_view name) {
  if (name.empty() || !is_letter_or_underscore(name[0]) || name.starts_with("__")) {
    return false;
  }
  for (char c : name) {
    if (!(is_letter_or_underscore(c) || is_digit(c))) {
      return false;
    }
  }
  return true;
}

void append_label_pairs(std::string& out, const labels& l) {
  bool first = true;
  for (const auto& [name, value] : l) {
    if (!first) {
      out += ',';
    }
    first = false;
    out += name;
    out += "=\"";
    append_escaped(out, value, true);
    out += '"';
  }
}

void append_help(std::string& out, std::string_view help) { append_escaped(out, help, false); }

char* write_number(char* at, double v) {
  if (std::isinf(v)) {
    const std::string_view text = v > 0 ? "+Inf" : "-Inf";
    return std::copy(text.begin(), text.end(), at);
  }
  if (std::isnan(v)) {
    const std::string_view text = "NaN";
    return std::copy(text.begin(), text.end(), at);
  }
  const auto [end, ec] = std::to_chars(at, at + max_number_chars, v);
  QM_ASSERT(ec == std::errc{});
  return end;
}

char* write_count(char* at, std::uint64_t v) {
  const auto [end, ec] = std::to_chars(at, at + max_number_chars, v);
  QM_ASSERT(ec == std::errc{});
  return end;
}

text_writer::text_writer(std::string& out, std::size_t expected_bytes) : out_(out), stage_(stage_bytes, '\0') {
  out_.reserve(out_.size() + expected_bytes);
  begin_ = stage_.data();
  at_ = begin_;
  end_ = begin_ + stage_.size();
}

void text_writer::make_room(std::size_t n) {
  out_.append(begin_, at_);
  if (stage_.size() < n) {
    stage_.resize(n);  // one line longer than the stage: long label values
  }
  begin_ = stage_.data();
  at_ = begin_;
  end_ = begin_ + stage_.size();
}

void text_writer::finish() {
  out_.append(begin_, at_);
  at_ = begin_;
}

void append_number(std::string& out, double v) {
  char buf[max_number_chars];
  out.append(buf, write_number(buf, v));
}

}  // namespace qm::metrics
