#pragma once
// A bounded cache of prepared statements keyed by their SQL text, evicting the least recently
// used. Services run a small fixed set of statements, so a modest bound keeps every hot
// statement prepared while a stream of distinct ad-hoc statements cannot grow memory.

#include <cstddef>
#include <list>
#include <map>
#include <string>
#include <string_view>

struct sqlite3_stmt;

namespace qm::rt::sqlite {

class statement_cache {
 public:
  explicit statement_cache(std::size_t capacity);
  ~statement_cache();
  statement_cache(const statement_cache&) = delete;
  statement_cache& operator=(const statement_cache&) = delete;

  // The statement prepared for sql, marked most recently used; nullptr when not cached.
  sqlite3_stmt* find(std::string_view sql);
  // Takes ownership of stmt (not yet cached) and finalizes the least recently used entries
  // beyond capacity. The newly inserted statement is never the one evicted.
  void insert(std::string sql, sqlite3_stmt* stmt);
  // Finalizes every cached statement.
  void clear();

  std::size_t size() const { return by_sql_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  struct entry {
    std::string sql;
    sqlite3_stmt* stmt;
  };
  // Front = most recently used. List nodes never move, so the map's keys may view into them.
  std::list<entry> lru_;
  std::map<std::string_view, std::list<entry>::iterator, std::less<>> by_sql_;
  std::size_t capacity_;
};

}  // namespace qm::rt::sqlite
