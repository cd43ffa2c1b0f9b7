#include "runtime/postgres/statement.hpp"

#include <pqxx/pqxx>

#include <charconv>
#include <string>
#include <vector>

#include "core/base/assert.hpp"

namespace qm::rt::postgres {

namespace {

// Type OIDs from pg_type (stable across PostgreSQL versions).
constexpr pqxx::oid bool_oid = 16;
constexpr pqxx::oid int8_oid = 20;
constexpr pqxx::oid int2_oid = 21;
constexpr pqxx::oid int4_oid = 23;
constexpr pqxx::oid float4_oid = 700;
constexpr pqxx::oid float8_oid = 701;

enum class column_kind : std::uint8_t { integer, boolean, real, text };

column_kind kind_of(pqxx::oid type) {
  switch (type) {
    case int2_oid:
    case int4_oid:
    case int8_oid:
      return column_kind::integer;
    case bool_oid:
      return column_kind::boolean;
    case float4_oid:
    case float8_oid:
      return column_kind::real;
    default:
      return column_kind::text;
  }
}

template <typename N>
bool parse_all(std::string_view s, N& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && !s.empty();
}

// A value as the SQLite engine would give it; text the column type promises to be a number
// but that does not parse (NaN spelled differently, say) stays text for the accessors to judge.
sql::value convert(const pqxx::field& f, column_kind kind) {
  if (f.is_null()) {
    return sql::null;
  }
  const std::string_view text(f.c_str(), f.size());
  switch (kind) {
    case column_kind::integer: {
      std::int64_t n = 0;
      if (parse_all(text, n)) {
        return n;
      }
      break;
    }
    case column_kind::boolean:
      return static_cast<std::int64_t>(text == "t" ? 1 : 0);
    case column_kind::real: {
      double d = 0;
      if (parse_all(text, d)) {
        return d;
      }
      break;
    }
    case column_kind::text:
      break;
  }
  return std::string(text);
}

}  // namespace

std::string parameter_text(const sql::value& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) {
    return std::to_string(*n);
  }
  if (const auto* d = std::get_if<double>(&v)) {
    // Shortest text that reads back as the same double.
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), *d);
    QM_ASSERT(ec == std::errc{});
    return std::string(buffer, end);
  }
  if (const auto* s = std::get_if<std::string>(&v)) {
    return *s;
  }
  QM_ASSERT_MSG(false, "null has no parameter text");
  return {};
}

sql::rows run_statement(pqxx::transaction_base& tx, std::string_view statement,
                        const sql::params& args, std::size_t max_rows) {
  const int expected = sql::placeholder_count(statement);
  if (static_cast<std::size_t>(expected) != args.size()) {
    throw sql::db_exception({sql::errc::query_error,
                             "statement takes " + std::to_string(expected) + " parameters, got " +
                                 std::to_string(args.size())});
  }
  std::vector<std::string> texts;
  texts.reserve(args.size());
  for (const sql::value& v : args) {
    texts.push_back(std::holds_alternative<sql::null_t>(v) ? std::string() : parameter_text(v));
  }
  // A null pointer is how libpqxx passes SQL NULL.
  std::vector<const char*> pointers;
  pointers.reserve(args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    pointers.push_back(std::holds_alternative<sql::null_t>(args[i]) ? nullptr : texts[i].c_str());
  }
  const pqxx::result r =
      tx.exec_params(std::string(statement), pqxx::prepare::make_dynamic_params(pointers));

  if (r.size() > max_rows) {
    throw sql::db_exception({sql::errc::query_error,
                             "result has " + std::to_string(r.size()) + " rows, over the limit of " +
                                 std::to_string(max_rows)});
  }
  sql::rows out;
  const auto columns = static_cast<std::size_t>(r.columns());
  std::vector<column_kind> kinds;
  kinds.reserve(columns);
  auto names = std::make_shared<std::vector<std::string>>();
  names->reserve(columns);
  for (pqxx::row_size_type c = 0; c < r.columns(); ++c) {
    names->emplace_back(r.column_name(c));
    kinds.push_back(kind_of(r.column_type(c)));
  }
  out.columns = std::move(names);
  out.data.reserve(r.size());
  for (const pqxx::row& row : r) {
    std::vector<sql::value> values;
    values.reserve(columns);
    for (std::size_t c = 0; c < columns; ++c) {
      values.push_back(convert(row[static_cast<pqxx::row_size_type>(c)], kinds[c]));
    }
    out.data.emplace_back(std::move(values));
  }
  out.affected = static_cast<std::int64_t>(r.affected_rows());
  return out;
}

}  // namespace qm::rt::postgres
