#include "runtime/sqlite/statement_cache.hpp"

#include <sqlite3.h>

#include <utility>

#include "core/base/assert.hpp"

namespace qm::rt::sqlite {

statement_cache::statement_cache(std::size_t capacity) : capacity_(capacity) {
  QM_ASSERT_MSG(capacity_ > 0, "a statement cache holds at least one statement");
}

statement_cache::~statement_cache() { clear(); }

const prepared_statement* statement_cache::find(std::string_view sql) {
  index::value_type* known = recent_.find(sql);
  if (known == nullptr) {
    auto it = by_sql_.find(sql);
    if (it == by_sql_.end()) {
      return nullptr;
    }
    known = &*it;
    recent_.remember(sql, known);
  }
  lru_.splice(lru_.begin(), lru_, known->second);
  return &known->second->prepared;
}

const prepared_statement& statement_cache::insert(std::string sql, prepared_statement p) {
  QM_ASSERT(p.stmt != nullptr);
  QM_ASSERT_MSG(by_sql_.find(sql) == by_sql_.end(), "statement cached twice");
  lru_.push_front(entry{std::move(sql), std::move(p)});
  by_sql_.emplace(std::string_view(lru_.front().sql), lru_.begin());
  while (by_sql_.size() > capacity_) {
    entry& oldest = lru_.back();
    by_sql_.erase(std::string_view(oldest.sql));
    recent_.forget_all();
    sqlite3_finalize(oldest.prepared.stmt);
    lru_.pop_back();
  }
  QM_ASSERT(lru_.size() == by_sql_.size());
  return lru_.front().prepared;
}

void statement_cache::clear() {
  recent_.forget_all();
  by_sql_.clear();
  for (entry& e : lru_) {
    sqlite3_finalize(e.prepared.stmt);
  }
  lru_.clear();
}

}  // namespace qm::rt::sqlite
