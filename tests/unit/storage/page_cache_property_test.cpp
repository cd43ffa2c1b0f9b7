// The in-memory page cache (runtime/sqlite/page_cache.hpp) against a std::map model: after
// any sequence of fetches, discards, rekeys and truncations it holds exactly the model's
// keys, each page still holding what was written into it; and SQLite databases that live in
// it stay intact through growth, shrinkage and rollbacks.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sqlite3.h>

#include <cstring>
#include <map>
#include <string>

#include "runtime/sqlite/database.hpp"
#include "runtime/sqlite/page_cache.hpp"

namespace qm::rt::sqlite {
namespace {

constexpr int page_bytes = 512;
constexpr int extra_bytes = 64;
// Far keys as a balance parks a page: the pending-byte page for 512-byte pages.
constexpr std::uint32_t parked_key = (1u << 30) / page_bytes + 1;

enum class op_kind { fetch, create, discard, rekey, truncate };
struct op {
  op_kind kind;
  std::uint32_t key;
  std::uint32_t other;
};

rc::Gen<std::uint32_t> gen_key() {
  return rc::gen::weightedOneOf<std::uint32_t>(
      {{8, rc::gen::inRange<std::uint32_t>(1, 40)},
       {1, rc::gen::inRange<std::uint32_t>(1000, 2100)},
       {1, rc::gen::just(parked_key)}});
}

rc::Gen<op> gen_op() {
  return rc::gen::build<op>(rc::gen::set(&op::kind, rc::gen::element(op_kind::fetch, op_kind::create,
                                                                    op_kind::discard, op_kind::rekey,
                                                                    op_kind::truncate)),
                            rc::gen::set(&op::key, gen_key()), rc::gen::set(&op::other, gen_key()));
}

// What the model remembers of a page: the stamp written into its buffer when created.
using model = std::map<std::uint32_t, std::uint64_t>;

std::uint64_t stamp_of(const sqlite3_pcache_page* p) {
  std::uint64_t stamp = 0;
  std::memcpy(&stamp, p->pBuf, sizeof stamp);
  return stamp;
}

RC_GTEST_PROP(page_cache_property, holds_what_the_model_holds, ()) {
  const auto ops = *rc::gen::container<std::vector<op>>(gen_op());
  dense_page_cache cache(page_bytes, extra_bytes);
  model m;
  std::uint64_t next_stamp = 1;
  for (const op& o : ops) {
    switch (o.kind) {
      case op_kind::fetch:
      case op_kind::create: {
        sqlite3_pcache_page* p = cache.fetch(o.key, o.kind == op_kind::create);
        const auto it = m.find(o.key);
        if (it != m.end()) {
          const bool cached = p != nullptr;
          RC_ASSERT(cached);
          RC_ASSERT(stamp_of(p) == it->second);
        } else if (o.kind == op_kind::fetch) {
          const bool absent = p == nullptr;
          RC_ASSERT(absent);
        } else {
          const bool created = p != nullptr;
          RC_ASSERT(created);
          void* extra_head = nullptr;
          std::memcpy(&extra_head, p->pExtra, sizeof extra_head);
          const bool extra_zeroed = extra_head == nullptr;
          RC_ASSERT(extra_zeroed);
          std::memcpy(p->pBuf, &next_stamp, sizeof next_stamp);
          std::memset(static_cast<char*>(p->pExtra) + sizeof(void*), 0xab,
                      extra_bytes - sizeof(void*));
          m[o.key] = next_stamp++;
        }
        break;
      }
      case op_kind::discard:
        if (m.count(o.key) != 0) {
          cache.discard(cache.fetch(o.key, false));
          m.erase(o.key);
        }
        break;
      case op_kind::rekey:
        if (m.count(o.key) != 0) {
          cache.rekey(cache.fetch(o.key, false), o.key, o.other);
          const std::uint64_t stamp = m[o.key];
          m.erase(o.key);
          m[o.other] = stamp;
        }
        break;
      case op_kind::truncate:
        cache.truncate(o.key);
        m.erase(m.lower_bound(o.key), m.end());
        break;
    }
    RC_ASSERT(cache.page_count() == m.size());
  }
  for (const auto& [key, stamp] : m) {
    const sqlite3_pcache_page* p = cache.fetch(key, false);
    const bool kept = p != nullptr;
    RC_ASSERT(kept);
    RC_ASSERT(stamp_of(p) == stamp);
  }
}

// SQLite on the cache: the cache is the in-memory database, so any page it lost or mixed up
// shows as a wrong row count or an integrity_check failure. Deletes and rollbacks shrink the
// database and make the b-trees rebalance (parking pages under the pending-byte number).
RC_GTEST_PROP(page_cache_property, in_memory_databases_stay_intact, ()) {
  auto db = database::open(":memory:");
  RC_ASSERT(db.ok());
  RC_ASSERT(install_page_cache());
  RC_ASSERT((*db)->exec_script("CREATE TABLE t (k BIGINT PRIMARY KEY, pad TEXT NOT NULL);"
                               "CREATE INDEX t_by_pad ON t (pad, k);")
                .ok());
  std::int64_t rows = 0;
  const int rounds = *rc::gen::inRange(1, 8);
  for (int round = 0; round < rounds; ++round) {
    const auto inserts = *rc::gen::inRange<std::int64_t>(0, 400);
    const auto first = *rc::gen::inRange<std::int64_t>(0, 2000);
    const bool roll_back = *rc::gen::arbitrary<bool>();
    const bool delete_half = *rc::gen::arbitrary<bool>();
    std::int64_t added = 0;
    const auto done = (*db)->transact(
        [&](sql::transaction& tx) {
          for (std::int64_t i = 0; i < inserts; ++i) {
            added += tx.exec("INSERT INTO t (k, pad) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                             {first + i * 7, std::string(200, static_cast<char>('a' + i % 26))})
                         .affected;
          }
          if (delete_half) {
            added -= tx.exec("DELETE FROM t WHERE k % 2 = 0").affected;
          }
        },
        roll_back ? finish::rollback : finish::commit);
    RC_ASSERT(done.ok());
    if (!roll_back) {
      rows += added;
    }
    auto counted = (*db)->read("SELECT COUNT(*) FROM t");
    RC_ASSERT(counted.ok());
    RC_ASSERT(counted->front().get_int(0) == rows);
  }
  auto check = (*db)->read("PRAGMA integrity_check");
  RC_ASSERT(check.ok());
  RC_ASSERT(check->front().get_text(0) == "ok");
}

}  // namespace
}  // namespace qm::rt::sqlite
