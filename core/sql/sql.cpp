#include "core/sql/sql.hpp"

#include <charconv>

#include "core/base/assert.hpp"

namespace qm::sql {

namespace {
// Parses all of s as a number; a malformed text value is the query's error, never a stray
// std::invalid_argument and never a silently truncated "12abc".
template <typename N>
N parse_number(const std::string& s, std::size_t column, const char* what) {
  N out{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) {
    throw db_exception({errc::query_error, "column " + std::to_string(column) + " is not " + what});
  }
  return out;
}
}  // namespace

bool row::is_null(std::size_t i) const { return std::holds_alternative<null_t>(at(i)); }

const std::vector<std::string>& rows::column_names() const {
  static const std::vector<std::string> none;
  return columns ? *columns : none;
}

const value& row::at(std::size_t i) const {
  QM_ASSERT_MSG(i < cols_.size(), "column index out of range");
  return cols_[i];
}

std::int64_t row::get_int(std::size_t i) const {
  const auto& v = at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) {
    return *n;
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    // PostgreSQL text results arrive as strings.
    return parse_number<std::int64_t>(*s, i, "an integer");
  }
  throw db_exception({errc::query_error, "column " + std::to_string(i) + " is not an integer"});
}

double row::get_double(std::size_t i) const {
  const auto& v = at(i);
  if (const auto* d = std::get_if<double>(&v)) {
    return *d;
  }
  if (const auto* n = std::get_if<std::int64_t>(&v)) {
    return static_cast<double>(*n);
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    return parse_number<double>(*s, i, "a number");
  }
  throw db_exception({errc::query_error, "column " + std::to_string(i) + " is not a number"});
}

const std::string& row::get_text(std::size_t i) const {
  const auto& v = at(i);
  if (const auto* s = std::get_if<std::string>(&v)) {
    return *s;
  }
  throw db_exception({errc::query_error, "column " + std::to_string(i) + " is not text"});
}

std::string row::take_text(std::size_t i) {
  QM_ASSERT_MSG(i < cols_.size(), "column index out of range");
  if (auto* s = std::get_if<std::string>(&cols_[i])) {
    return std::move(*s);
  }
  throw db_exception({errc::query_error, "column " + std::to_string(i) + " is not text"});
}

std::optional<std::string> row::get_optional_text(std::size_t i) const {
  if (is_null(i)) {
    return std::nullopt;
  }
  return get_text(i);
}

std::string_view to_string(errc e) {
  switch (e) {
    case errc::unavailable: return "unavailable";
    case errc::timeout: return "timeout";
    case errc::serialization_conflict: return "serialization_conflict";
    case errc::unique_violation: return "unique_violation";
    case errc::constraint_violation: return "constraint_violation";
    case errc::outcome_unknown: return "outcome_unknown";
    case errc::access_denied: return "access_denied";
    case errc::query_error: return "query_error";
  }
  return "unknown";
}

bool is_transient(errc e) {
  return e == errc::unavailable || e == errc::timeout || e == errc::serialization_conflict ||
         e == errc::outcome_unknown;
}

int placeholder_count(std::string_view statement) {
  int highest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < statement.size(); ++i) {
    const char c = statement[i];
    if (c == '\'') {
      in_string = !in_string;
    } else if (!in_string && c == '$') {
      int n = 0;
      std::size_t j = i + 1;
      while (j < statement.size() && statement[j] >= '0' && statement[j] <= '9') {
        n = n * 10 + (statement[j] - '0');
        ++j;
      }
      highest = std::max(highest, n);
    }
  }
  return highest;
}

}  // namespace qm::sql
