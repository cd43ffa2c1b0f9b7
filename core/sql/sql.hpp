#pragma once
// The SQL vocabulary shared by services and storage engines: parameter values, result rows
// and typed database errors. Statements use PostgreSQL's $1..$n placeholders and stay in the
// portable subset that SQLite runs too.

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace qm::sql {

struct null_t {
  bool operator==(const null_t&) const = default;
};
inline constexpr null_t null{};

using value = std::variant<null_t, std::int64_t, double, std::string>;
using params = std::vector<value>;

class row {
 public:
  explicit row(std::vector<value> cols) : cols_(std::move(cols)) {}
  std::size_t size() const { return cols_.size(); }
  bool is_null(std::size_t i) const;
  std::int64_t get_int(std::size_t i) const;
  double get_double(std::size_t i) const;
  const std::string& get_text(std::size_t i) const;
  // get_text's string moved out of the row, which keeps an empty string there: for a row that
  // is read once, so its longer texts are not copied.
  std::string take_text(std::size_t i);
  std::optional<std::string> get_optional_text(std::size_t i) const;
  const value& at(std::size_t i) const;

 private:
  std::vector<value> cols_;
};

// The column names of a result. Engines share one list among the results of a statement, so
// a run does not rebuild it.
using column_list = std::shared_ptr<const std::vector<std::string>>;

struct rows {
  column_list columns;  // null only for rows no statement produced
  std::vector<row> data;
  std::int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE

  bool empty() const { return data.empty(); }
  std::size_t size() const { return data.size(); }
  const row& front() const { return data.front(); }
  // The column names, empty when there are none.
  const std::vector<std::string>& column_names() const;
};

// What went wrong, in the terms a service can act on.
enum class errc : std::uint8_t {
  unavailable,             // cannot reach the database: answer 503
  timeout,                 // the statement or transaction ran past its deadline: 503
  serialization_conflict,  // concurrent transactions collided: retry the transaction
  unique_violation,        // a UNIQUE or PRIMARY KEY constraint: usually 409
  constraint_violation,    // CHECK, NOT NULL, FOREIGN KEY: a bug or bad input
  outcome_unknown,         // the commit may or may not have happened: be idempotent
  access_denied,           // a node asked for a database that is not its own
  query_error,             // malformed SQL or a type error: a bug
};

std::string_view to_string(errc e);
// True for the errors that say nothing about the request and may pass after a wait.
bool is_transient(errc e);

struct error {
  errc code = errc::query_error;
  std::string message;
};

// Thrown by statement execution inside a synchronous transaction body; the storage engine
// catches it, rolls back and returns it as the transaction's error.
class db_exception : public std::runtime_error {
 public:
  explicit db_exception(sql::error e) : std::runtime_error(e.message), error_(std::move(e)) {}
  const sql::error& error() const { return error_; }

 private:
  sql::error error_;
};

// A transaction in progress. exec() runs one statement and throws db_exception on failure.
class transaction {
 public:
  virtual ~transaction() = default;
  virtual rows exec(std::string_view statement, const params& args = {}) = 0;
};

// The number of $n placeholders a statement uses (the highest n), for argument checks.
int placeholder_count(std::string_view statement);

}  // namespace qm::sql
