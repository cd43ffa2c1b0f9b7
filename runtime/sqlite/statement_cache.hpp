#pragma once
// A bounded cache of prepared statements keyed by their SQL text, evicting the least recently
// used. Services run a small fixed set of statements, so a modest bound keeps every hot
// statement prepared while a stream of distinct ad-hoc statements cannot grow memory.
// Alongside each statement it keeps what is learnt once at prepare time (the parameter count
// and where each $n binds), so a cached statement is run without re-reading its text.

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/address_memo.hpp"
#include "core/sql/sql.hpp"

struct sqlite3_stmt;

namespace qm::rt::sqlite {

struct prepared_statement {
  sqlite3_stmt* stmt = nullptr;
  // The highest $n in the text: how many arguments a run must bring.
  int placeholders = 0;
  // bind_index[i]: SQLite's index of $(i+1), 0 when the text never uses it.
  std::vector<int> bind_index;
  // The result's shape, learnt from the prepared statement and shared by every run's rows:
  // column names, and which columns have REAL affinity. SQLite prepares a statement again when
  // the schema changes, which may change its shape, so the shape records the re-prepare count
  // (SQLITE_STMTSTATUS_REPREPARE) it was learnt at and is learnt again when that moves.
  struct result_shape {
    sql::column_list names;
    std::vector<bool> real;
    int reprepares = -1;
  };
  mutable result_shape shape;
};

class statement_cache {
 public:
  explicit statement_cache(std::size_t capacity);
  ~statement_cache();
  statement_cache(const statement_cache&) = delete;
  statement_cache& operator=(const statement_cache&) = delete;

  // The statement prepared for sql, marked most recently used; nullptr when not cached.
  const prepared_statement* find(std::string_view sql);
  // Takes ownership of p.stmt (not yet cached) and finalizes the least recently used entries
  // beyond capacity. The newly inserted statement is never the one evicted.
  const prepared_statement& insert(std::string sql, prepared_statement p);
  // Finalizes every cached statement.
  void clear();

  std::size_t size() const { return by_sql_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct entry {
    std::string sql;
    prepared_statement prepared;
  };
  // Front = most recently used. List nodes never move, so the map's keys may view into them.
  // Hashed rather than ordered: hot statements share long prefixes ("SELECT p.id, p.name,
  // ..."), which made every ordered lookup a chain of long comparisons.
  std::list<entry> lru_;
  using index = std::unordered_map<std::string_view, std::list<entry>::iterator>;
  index by_sql_;
  // by_sql_'s entries by the address of the text last run with them: a service's statements
  // are literals, so the same text comes back from the same place and skips hashing its
  // hundred-odd characters. Forgotten whenever an entry is evicted.
  address_memo<index::value_type, 128> recent_;
  std::size_t capacity_;
};

}  // namespace qm::rt::sqlite
