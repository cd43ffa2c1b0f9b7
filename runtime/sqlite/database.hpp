#pragma once
// One SQLite connection (an in-memory database or a file) that runs transactions
// synchronously. The simulator gives every service database one of these (in memory);
// production's embedded mode (`--storage sqlite:PATH`) opens a file.
//
// Statements use PostgreSQL's $1..$n placeholders, which SQLite accepts as named parameters.
// Values map as INTEGER -> int64, REAL -> double, TEXT/BLOB -> string, NULL -> sql::null.
// SQLite errors become sql::errc: UNIQUE/PRIMARY KEY -> unique_violation, other constraints
// -> constraint_violation, BUSY/LOCKED -> serialization_conflict, the rest -> query_error.
//
// Not thread-safe: one thread uses a database at a time (the simulator's, or the worker that
// production hands it to).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/sql/sql.hpp"
#include "runtime/sqlite/statement_cache.hpp"
#include "runtime/storage.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace qm::rt::sqlite {

struct options {
  // Prepared statements kept by SQL text; the least recently used is finalized beyond this.
  std::size_t max_cached_statements = 128;
  // A statement returning more rows than this fails with query_error instead of exhausting
  // memory: a service that needs more must page.
  std::size_t max_result_rows = 100'000;
  // How long to wait for a lock another connection holds on a file database before failing
  // with serialization_conflict. In-memory databases have no other connection.
  duration busy_timeout{0};
};

// How a transaction ends once its body returned normally.
enum class finish : std::uint8_t { commit, rollback };

class database {
 public:
  // Opens path (":memory:" for a private in-memory database) with foreign keys on.
  static result<std::unique_ptr<database>, sql::error> open(const std::string& path,
                                                            const options& opts = {});
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  // Runs body between BEGIN and COMMIT (or ROLLBACK when how is finish::rollback). BEGIN is
  // IMMEDIATE on a file, where another connection may write, so that a body that reads and
  // then writes never fails to upgrade its lock halfway. A private in-memory database has no
  // other connection and the body runs without yielding, so nothing can come between two of
  // its statements: there BEGIN (DEFERRED) waits for the body's first write, and a body that
  // only reads runs no BEGIN or COMMIT at all. Both behave alike; the lazy one costs less.
  // A db_exception from the body (or from a statement it runs) rolls back and is returned as
  // the error; any other exception rolls back and propagates (it is a bug in the body).
  // Transactions do not nest.
  db_status transact(const transaction_body& body, finish how = finish::commit);

  // Applies a script of several statements (a schema file) atomically. The script must not
  // contain transaction control of its own.
  db_status exec_script(std::string_view script);

  // Runs one read-only statement outside any explicit transaction (for checkers and tests).
  // A statement that would write is refused with query_error.
  result<sql::rows, sql::error> read(std::string_view statement, const sql::params& args = {});

  void set_busy_timeout(duration timeout);

  std::size_t cached_statements() const { return cache_.size(); }
  std::uint64_t statements_prepared() const { return statements_prepared_; }
  const std::string& path() const { return path_; }

 private:
  class open_transaction;
  // Who runs a statement: read() (which refuses writes) or a transaction body.
  enum class caller : std::uint8_t { reader, transaction };

  database(sqlite3* db, std::string path, const options& opts);
  // Prepares (or finds in the cache), binds, steps and collects; throws sql::db_exception.
  sql::rows run(std::string_view statement, const sql::params& args, caller who);
  // The cached statement for the text, prepared on first use; throws when arg_count is not
  // the statement's parameter count.
  const prepared_statement& prepared(std::string_view statement, std::size_t arg_count);
  // Runs one of the fixed control statements (BEGIN, COMMIT, ROLLBACK).
  db_status control(sqlite3_stmt* stmt, std::string_view what);
  void rollback_if_open();

  sqlite3* db_;
  std::string path_;
  options options_;
  statement_cache cache_;
  const char* begin_sql_ = nullptr;  // the BEGIN that begin_ runs
  sqlite3_stmt* begin_ = nullptr;
  sqlite3_stmt* commit_ = nullptr;
  sqlite3_stmt* rollback_ = nullptr;
  std::uint64_t statements_prepared_ = 0;
  bool in_transaction_ = false;
  // BEGIN waits for a transaction's first write (a private in-memory database: see transact).
  bool lazy_begin_ = false;
  // Whether the open transaction has run its BEGIN.
  bool begun_ = false;
};

}  // namespace qm::rt::sqlite
