#include "runtime/sqlite/database.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <limits>
#include <utility>

#include "core/base/assert.hpp"
#include "runtime/sqlite/dialect.hpp"
#include "runtime/sqlite/errors.hpp"
#include "runtime/sqlite/page_cache.hpp"

namespace qm::rt::sqlite {

namespace {

sql::error query_error(std::string message) {
  return sql::error{sql::errc::query_error, std::move(message)};
}

// Shortens a statement for an error message.
std::string_view excerpt(std::string_view statement) {
  constexpr std::size_t max_chars = 200;
  return statement.substr(0, max_chars);
}

void check_arg_count(int placeholders, std::size_t arg_count, std::string_view statement) {
  if (static_cast<std::size_t>(placeholders) != arg_count) {
    throw sql::db_exception(query_error("statement takes " + std::to_string(placeholders) +
                                        " parameters, got " + std::to_string(arg_count) + ": " +
                                        std::string(excerpt(statement))));
  }
}

bool only_blank(std::string_view rest) {
  return std::all_of(rest.begin(), rest.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';';
  });
}

// Leaves a cached statement ready for its next use whatever way run() exits, and drops
// bindings that point into the caller's arguments.
class reset_guard {
 public:
  explicit reset_guard(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~reset_guard() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  reset_guard(const reset_guard&) = delete;
  reset_guard& operator=(const reset_guard&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

void bind_value(sqlite3* db, sqlite3_stmt* stmt, int index, const sql::value& v,
                std::string_view statement) {
  int rc = SQLITE_OK;
  if (std::holds_alternative<sql::null_t>(v)) {
    rc = sqlite3_bind_null(stmt, index);
  } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
    rc = sqlite3_bind_int64(stmt, index, *n);
  } else if (const auto* d = std::get_if<double>(&v)) {
    rc = sqlite3_bind_double(stmt, index, *d);
  } else {
    const auto& s = std::get<std::string>(v);
    // SQLITE_STATIC: the arguments outlive the step, and reset_guard clears the bindings
    // before run() returns, so SQLite never keeps a pointer into them.
    rc = sqlite3_bind_text64(stmt, index, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  if (rc != SQLITE_OK) {
    throw sql::db_exception(last_error(db, statement));
  }
}

// True when a declared column type has SQLite's REAL affinity (its rules, in their order).
bool real_affinity(const char* declared) {
  if (declared == nullptr) {
    return false;
  }
  const std::string_view type(declared);
  const auto has = [&](std::string_view part) {
    // Type names are ASCII; no locale needed.
    auto it = std::search(type.begin(), type.end(), part.begin(), part.end(), [](char a, char b) {
      return (a >= 'a' && a <= 'z' ? static_cast<char>(a - 'a' + 'A') : a) == b;
    });
    return it != type.end();
  };
  if (has("INT") || has("CHAR") || has("CLOB") || has("TEXT") || has("BLOB")) {
    return false;
  }
  return has("REAL") || has("FLOA") || has("DOUB");
}

// The shape of p's result as of its latest preparation (see prepared_statement::result_shape).
// Call it after a step: that is where SQLite prepares a statement again after a schema change.
const prepared_statement::result_shape& shape_of(const prepared_statement& p) {
  auto& shape = p.shape;
  const int reprepares = sqlite3_stmt_status(p.stmt, SQLITE_STMTSTATUS_REPREPARE, 0);
  if (shape.names && shape.reprepares == reprepares) {
    return shape;
  }
  const int columns = sqlite3_column_count(p.stmt);
  auto names = std::make_shared<std::vector<std::string>>();
  names->reserve(static_cast<std::size_t>(columns));
  shape.real.assign(static_cast<std::size_t>(columns), false);
  for (int c = 0; c < columns; ++c) {
    const char* column_name = sqlite3_column_name(p.stmt, c);
    names->emplace_back(column_name ? column_name : "");
    shape.real[static_cast<std::size_t>(c)] = real_affinity(sqlite3_column_decltype(p.stmt, c));
  }
  shape.names = std::move(names);
  shape.reprepares = reprepares;
  return shape;
}

// SQLite packs integral reals as integers on disk and RETURNING hands them out that way; a
// column with REAL affinity never holds an integer, so such a value is turned back into the
// double that was stored.
sql::value column_value(sqlite3_stmt* stmt, int i, bool real_affinity_column) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      if (real_affinity_column) {
        return sqlite3_column_double(stmt, i);
      }
      return static_cast<std::int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT: return sqlite3_column_double(stmt, i);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      const int bytes = sqlite3_column_bytes(stmt, i);
      return text ? std::string(text, static_cast<std::size_t>(bytes)) : std::string();
    }
    case SQLITE_BLOB: {
      const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      const int bytes = sqlite3_column_bytes(stmt, i);
      return blob ? std::string(blob, static_cast<std::size_t>(bytes)) : std::string();
    }
    default: return sql::null;
  }
}

sqlite3_stmt* prepare_control(sqlite3* db, const char* text) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db, text, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  QM_ASSERT_MSG(rc == SQLITE_OK && stmt != nullptr, "a transaction control statement failed to prepare");
  return stmt;
}

}  // namespace

// The sql::transaction a body sees; valid only while its transaction is open.
class database::open_transaction final : public sql::transaction {
 public:
  explicit open_transaction(database& db) : db_(db) {}
  sql::rows exec(std::string_view statement, const sql::params& args) override {
    QM_ASSERT_MSG(open_, "a statement on a transaction that has ended");
    return db_.run(statement, args, caller::transaction);
  }
  void close() { open_ = false; }

 private:
  database& db_;
  bool open_ = true;
};

result<std::unique_ptr<database>, sql::error> database::open(const std::string& path,
                                                             const options& opts) {
  // SQLite's allocation statistics cost a mutex and bookkeeping on every allocation and are
  // never read here. The setting only takes before SQLite initialises; a later call is refused
  // (SQLITE_MISUSE) and changes nothing, which is harmless.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  // In-memory databases keep their pages indexed by number (runtime/sqlite/page_cache.hpp);
  // the same only-before-initialisation rule applies.
  install_page_cache();
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    sql::error e = db ? last_error(db, path)
                      : sql::error{sql::errc::unavailable, "out of memory opening " + path};
    if (e.code == sql::errc::query_error) {
      e.code = sql::errc::unavailable;
    }
    sqlite3_close_v2(db);
    return make_unexpected(std::move(e));
  }
  sqlite3_extended_result_codes(db, 1);
  // Foreign keys are off by default in SQLite and on in PostgreSQL; make both engines agree.
  // A private in-memory database (the simulator's) also:
  // - uses 2 KiB pages: a write copies each page it changes into the in-memory journal, and
  //   the tables are small, so a smaller page copies less (512 B pages deepen the b-trees and
  //   cost more);
  // - turns off secure_delete, which this SQLite build enables: zeroing freed space protects a
  //   file that outlives its data, and nothing outlives an in-memory database;
  // - keeps temporary tables and sorts in memory, as the database itself is.
  char* message = nullptr;
  const char* setup = path == ":memory:"
                          ? "PRAGMA foreign_keys = ON; PRAGMA page_size = 2048; "
                            "PRAGMA secure_delete = OFF; PRAGMA temp_store = MEMORY;"
                          : "PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL;";
  if (sqlite3_exec(db, setup, nullptr, nullptr, &message) != SQLITE_OK) {
    sql::error e{sql::errc::unavailable, message ? message : "setup failed"};
    sqlite3_free(message);
    sqlite3_close_v2(db);
    return make_unexpected(std::move(e));
  }
  return std::unique_ptr<database>(new database(db, path, opts));
}

database::database(sqlite3* db, std::string path, const options& opts)
    : db_(db), path_(std::move(path)), options_(opts), cache_(opts.max_cached_statements) {
  QM_ASSERT(options_.max_result_rows > 0);
  lazy_begin_ = path_ == ":memory:";
  begin_sql_ = lazy_begin_ ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE";
  begin_ = prepare_control(db_, begin_sql_);
  commit_ = prepare_control(db_, "COMMIT");
  rollback_ = prepare_control(db_, "ROLLBACK");
  set_busy_timeout(options_.busy_timeout);
}

database::~database() {
  QM_ASSERT_MSG(!in_transaction_, "a database destroyed inside its own transaction");
  cache_.clear();
  sqlite3_finalize(begin_);
  sqlite3_finalize(commit_);
  sqlite3_finalize(rollback_);
  sqlite3_close_v2(db_);
}

void database::set_busy_timeout(duration timeout) {
  const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count();
  const auto bounded_ms = std::clamp<std::int64_t>(timeout_ms, 0, std::numeric_limits<int>::max());
  sqlite3_busy_timeout(db_, static_cast<int>(bounded_ms));
}

db_status database::control(sqlite3_stmt* stmt, std::string_view what) {
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) {
    return make_unexpected(last_error(db_, what));
  }
  return {};
}

void database::rollback_if_open() {
  // Some errors (a full disk, a busy COMMIT) may have ended the transaction already.
  if (!sqlite3_get_autocommit(db_)) {
    sqlite3_step(rollback_);
    sqlite3_reset(rollback_);
  }
}

db_status database::transact(const transaction_body& body, finish how) {
  QM_ASSERT_MSG(!in_transaction_, "transactions do not nest");
  if (!lazy_begin_) {
    if (db_status begun = control(begin_, begin_sql_); !begun) {
      return begun;
    }
  }
  in_transaction_ = true;
  begun_ = !lazy_begin_;
  open_transaction tx(*this);
  struct end_guard {
    database& self;
    open_transaction& tx;
    ~end_guard() {
      tx.close();
      self.in_transaction_ = false;
      self.begun_ = false;
    }
  } guard{*this, tx};

  try {
    body(tx);
  } catch (const sql::db_exception& e) {
    rollback_if_open();
    return make_unexpected(e.error());
  } catch (...) {
    rollback_if_open();
    throw;
  }
  if (!begun_) {
    // Only read-only statements ran, each in its own implicit transaction; nothing else could
    // have run in between (see lazy_begin_), so there is nothing to commit or roll back. A
    // body that ran BEGIN itself is refused like one that ran COMMIT.
    if (!sqlite3_get_autocommit(db_)) {
      rollback_if_open();
      return make_unexpected(query_error("the transaction was begun by a statement in its body"));
    }
    return {};
  }
  if (sqlite3_get_autocommit(db_)) {
    return make_unexpected(query_error("the transaction was ended by a statement in its body"));
  }
  if (how == finish::rollback) {
    rollback_if_open();
    return {};
  }
  if (db_status committed = control(commit_, "COMMIT"); !committed) {
    rollback_if_open();
    return committed;
  }
  return {};
}

db_status database::exec_script(std::string_view script) {
  QM_ASSERT_MSG(!in_transaction_, "exec_script inside a transaction");
  if (db_status begun = control(begin_, begin_sql_); !begun) {
    return begun;
  }
  const std::string text = sqlite_dialect(script);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    sql::error e{map_result_code(sqlite3_extended_errcode(db_)),
                 message ? std::string(message) : std::string(sqlite3_errstr(rc))};
    sqlite3_free(message);
    rollback_if_open();
    return make_unexpected(std::move(e));
  }
  if (sqlite3_get_autocommit(db_)) {
    return make_unexpected(query_error("a script must not contain transaction control"));
  }
  if (db_status committed = control(commit_, "COMMIT"); !committed) {
    rollback_if_open();
    return committed;
  }
  return {};
}

result<sql::rows, sql::error> database::read(std::string_view statement, const sql::params& args) {
  try {
    return run(statement, args, caller::reader);
  } catch (const sql::db_exception& e) {
    return make_unexpected(e.error());
  }
}

const prepared_statement& database::prepared(std::string_view statement, std::size_t arg_count) {
  if (const prepared_statement* cached = cache_.find(statement)) {
    check_arg_count(cached->placeholders, arg_count, statement);
    return *cached;
  }
  // Counted before preparing, so a wrong argument count is reported as such whatever else is
  // wrong with the text.
  const int placeholders = sql::placeholder_count(statement);
  check_arg_count(placeholders, arg_count, statement);
  if (statement.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw sql::db_exception(query_error("statement too long"));
  }
  // The cache keeps the text as the service wrote it; SQLite reads it in its dialect.
  const std::string translated = needs_dialect(statement) ? sqlite_dialect(statement) : std::string();
  const std::string_view text = translated.empty() ? statement : std::string_view(translated);
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, text.data(), static_cast<int>(text.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    throw sql::db_exception(last_error(db_, statement));
  }
  if (stmt == nullptr) {
    throw sql::db_exception(query_error("empty statement"));
  }
  const auto consumed = static_cast<std::size_t>(tail - text.data());
  if (!only_blank(text.substr(consumed))) {
    sqlite3_finalize(stmt);
    throw sql::db_exception(
        query_error("exec runs one statement at a time: " + std::string(excerpt(statement))));
  }
  prepared_statement p;
  p.stmt = stmt;
  p.placeholders = placeholders;
  p.bind_index.reserve(static_cast<std::size_t>(placeholders));
  for (int i = 1; i <= placeholders; ++i) {
    // A $n the statement skips (it uses $1 and $3, say) has nothing to bind: index 0.
    const std::string name = "$" + std::to_string(i);
    p.bind_index.push_back(sqlite3_bind_parameter_index(stmt, name.c_str()));
  }
  ++statements_prepared_;
  return cache_.insert(std::string(statement), std::move(p));
}

sql::rows database::run(std::string_view statement, const sql::params& args, caller who) {
  const prepared_statement& p = prepared(statement, args.size());
  sqlite3_stmt* stmt = p.stmt;
  if (who == caller::reader && !sqlite3_stmt_readonly(stmt)) {
    throw sql::db_exception(
        query_error("not a read-only statement: " + std::string(excerpt(statement))));
  }
  if (who == caller::transaction && !begun_ && !sqlite3_stmt_readonly(stmt)) {
    // The body's first write: from here on its statements are one transaction.
    if (db_status begun = control(begin_, begin_sql_); !begun) {
      throw sql::db_exception(begun.error());
    }
    begun_ = true;
  }
  reset_guard guard(stmt);

  for (std::size_t i = 0; i < args.size(); ++i) {
    if (const int index = p.bind_index[i]; index > 0) {
      bind_value(db_, stmt, index, args[i], statement);
    }
  }

  sql::rows out;
  const prepared_statement::result_shape* shape = nullptr;
  const std::int64_t changes_before = sqlite3_total_changes64(db_);
  while (true) {
    const int rc = sqlite3_step(stmt);
    if (shape == nullptr) {
      shape = &shape_of(p);
    }
    if (rc == SQLITE_DONE) {
      break;
    }
    if (rc != SQLITE_ROW) {
      throw sql::db_exception(last_error(db_, statement));
    }
    if (out.data.size() >= options_.max_result_rows) {
      throw sql::db_exception(query_error("more than " + std::to_string(options_.max_result_rows) +
                                          " rows: " + std::string(excerpt(statement))));
    }
    const std::size_t columns = shape->real.size();
    std::vector<sql::value> values;
    values.reserve(columns);
    for (std::size_t c = 0; c < columns; ++c) {
      values.push_back(column_value(stmt, static_cast<int>(c), shape->real[c]));
    }
    out.data.emplace_back(std::move(values));
  }
  out.columns = shape->names;
  // sqlite3_changes keeps the count of the last INSERT/UPDATE/DELETE, so a SELECT or DDL would
  // report a stale number: trust it only when this statement changed something.
  if (sqlite3_total_changes64(db_) != changes_before) {
    out.affected = sqlite3_changes64(db_);
  }
  return out;
}

}  // namespace qm::rt::sqlite
