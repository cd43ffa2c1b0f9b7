// The SQLite engine: values, parameters, errors, rollback, the portable SQL subset services
// write, and the bounded statement cache.

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include "runtime/sqlite/database.hpp"
#include "runtime/sqlite/embedded_storage.hpp"
#include "tests/unit/storage/drive.hpp"

namespace qm::rt::sqlite {
namespace {

using namespace std::string_literals;

std::unique_ptr<database> open_memory(const options& opts = {}) {
  auto db = database::open(":memory:", opts);
  EXPECT_TRUE(db.ok());
  return std::move(*db);
}

// Runs one statement in its own transaction and returns its rows (or fails the test).
sql::rows exec_one(database& db, std::string_view statement, const sql::params& args = {}) {
  sql::rows out;
  const db_status st = db.transact([&](sql::transaction& tx) { out = tx.exec(statement, args); });
  EXPECT_TRUE(st.ok()) << statement << ": " << (st.ok() ? "" : st.error().message);
  return out;
}

// The error of a one-statement transaction that must fail.
sql::error exec_error(database& db, std::string_view statement, const sql::params& args = {}) {
  const db_status st = db.transact([&](sql::transaction& tx) { tx.exec(statement, args); });
  EXPECT_FALSE(st.ok()) << statement << " should have failed";
  return st.ok() ? sql::error{} : st.error();
}

// A file name private to this process, so parallel test runs do not share a database.
std::string temp_path(std::string_view name) {
  return ::testing::TempDir() + "qm_" + std::to_string(::getpid()) + "_" + std::string(name);
}

std::int64_t count_rows(database& db, std::string_view table) {
  auto r = db.read("SELECT COUNT(*) FROM " + std::string(table));
  EXPECT_TRUE(r.ok());
  return r->front().get_int(0);
}

class sqlite_engine : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = open_memory();
    ASSERT_TRUE(db_->exec_script(R"sql(
      CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL UNIQUE, qty BIGINT NOT NULL
                          CHECK (qty >= 0));
      CREATE TABLE notes (id BIGINT PRIMARY KEY,
                          item_id BIGINT NOT NULL REFERENCES items (id), body TEXT);
    )sql").ok());
  }
  std::unique_ptr<database> db_;
};

TEST_F(sqlite_engine, values_round_trip_exactly) {
  exec_one(*db_,
           "CREATE TABLE vals (k BIGINT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION, s TEXT, b TEXT)");
  const std::int64_t min = std::numeric_limits<std::int64_t>::min();
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const std::string with_nul = "a\0b\0"s;
  const std::string unicode = "दूध 🥛 Ünïcødé — ok";
  const double tiny = std::numeric_limits<double>::denorm_min();
  const sql::params inputs[] = {
      {std::int64_t{1}, min, -1.5e308, with_nul, sql::null},
      {std::int64_t{2}, max, tiny, unicode, ""s},
      {std::int64_t{3}, std::int64_t{0}, 0.1, ""s, sql::null},
      // An integral double stays a double, also through RETURNING.
      {std::int64_t{4}, std::int64_t{-1}, 3.0, "'quoted' \"and\" $1"s, "x"s},
  };
  for (const auto& args : inputs) {
    const auto r = exec_one(*db_, "INSERT INTO vals (k, i, d, s, b) VALUES ($1, $2, $3, $4, $5) "
                                  "RETURNING k, i, d, s, b",
                            args);
    ASSERT_EQ(r.size(), 1u);
    for (std::size_t c = 0; c < args.size(); ++c) {
      EXPECT_EQ(r.front().at(c), args[c]) << "column " << c << " of row " << r.front().get_int(0);
    }
  }
  const auto all = db_->read("SELECT k, i, d, s, b FROM vals ORDER BY k");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ(all->column_names(), (std::vector<std::string>{"k", "i", "d", "s", "b"}));
  for (std::size_t r = 0; r < 4; ++r) {
    for (std::size_t c = 0; c < 5; ++c) {
      EXPECT_EQ(all->data[r].at(c), inputs[r][c]) << "row " << r << " column " << c;
    }
  }
  EXPECT_EQ(all->data[0].get_text(3).size(), 4u) << "embedded NULs kept";
  EXPECT_TRUE(all->data[0].is_null(4));
  EXPECT_TRUE(std::holds_alternative<double>(all->data[3].at(2)));
  // Text compares by its full length, NULs included.
  const auto found = db_->read("SELECT k FROM vals WHERE s = $1", {with_nul});
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(found->front().get_int(0), 1);
}

TEST_F(sqlite_engine, placeholders_bind_by_number_not_position) {
  const auto r = exec_one(*db_, "SELECT $2 AS second, $1 AS first, $1 + $1 AS twice",
                          {std::int64_t{21}, "b"s});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.column_names(), (std::vector<std::string>{"second", "first", "twice"}));
  EXPECT_EQ(r.front().get_text(0), "b");
  EXPECT_EQ(r.front().get_int(1), 21);
  EXPECT_EQ(r.front().get_int(2), 42);
  // A '$1' inside a string literal is text, not a parameter.
  const auto lit = exec_one(*db_, "SELECT '$1' AS t");
  EXPECT_EQ(lit.front().get_text(0), "$1");
}

// A cached statement learns its result's shape once; a schema change that SQLite re-prepares
// it for gives the new shape, columns and REAL affinity both.
TEST_F(sqlite_engine, a_cached_statement_follows_a_schema_change) {
  exec_one(*db_, "INSERT INTO items (id, name, qty) VALUES (1, 'milk', 3)");
  const std::string select_all = "SELECT * FROM items";
  EXPECT_EQ(exec_one(*db_, select_all).column_names(),
            (std::vector<std::string>{"id", "name", "qty"}));
  ASSERT_TRUE(db_->exec_script("ALTER TABLE items ADD COLUMN weight_kg REAL NOT NULL DEFAULT 2").ok());
  const auto after = exec_one(*db_, select_all);
  EXPECT_EQ(after.column_names(), (std::vector<std::string>{"id", "name", "qty", "weight_kg"}));
  ASSERT_EQ(after.front().size(), 4u);
  // Stored as the integer 2 (REAL affinity packs it), handed back as the double it is.
  EXPECT_EQ(after.front().at(3), sql::value(2.0));
  // Results of one statement share one list of names.
  EXPECT_EQ(exec_one(*db_, select_all).columns, exec_one(*db_, select_all).columns);
}

TEST_F(sqlite_engine, argument_count_mismatch_is_a_query_error_naming_the_statement) {
  const auto few = exec_error(*db_, "SELECT $1, $2 FROM items", {std::int64_t{1}});
  EXPECT_EQ(few.code, sql::errc::query_error);
  EXPECT_NE(few.message.find("SELECT $1, $2 FROM items"), std::string::npos) << few.message;
  const auto many = exec_error(*db_, "SELECT $1", {std::int64_t{1}, std::int64_t{2}});
  EXPECT_EQ(many.code, sql::errc::query_error);
  EXPECT_NE(many.message.find("SELECT $1"), std::string::npos) << many.message;
}

TEST_F(sqlite_engine, constraint_errors_map_to_errc) {
  exec_one(*db_, "INSERT INTO items (id, name, qty) VALUES (1, 'milk', 3)");
  EXPECT_EQ(exec_error(*db_, "INSERT INTO items (id, name, qty) VALUES (1, 'eggs', 1)").code,
            sql::errc::unique_violation);
  EXPECT_EQ(exec_error(*db_, "INSERT INTO items (id, name, qty) VALUES (2, 'milk', 1)").code,
            sql::errc::unique_violation);
  EXPECT_EQ(exec_error(*db_, "INSERT INTO items (id, name, qty) VALUES (3, NULL, 1)").code,
            sql::errc::constraint_violation);
  EXPECT_EQ(exec_error(*db_, "INSERT INTO items (id, name, qty) VALUES (4, 'tea', -1)").code,
            sql::errc::constraint_violation);
  // Foreign keys are enforced, as on PostgreSQL.
  EXPECT_EQ(exec_error(*db_, "INSERT INTO notes (id, item_id, body) VALUES (1, 99, 'x')").code,
            sql::errc::constraint_violation);
  const auto syntax = exec_error(*db_, "SELEC nothing");
  EXPECT_EQ(syntax.code, sql::errc::query_error);
  EXPECT_NE(syntax.message.find("syntax error"), std::string::npos) << syntax.message;
  EXPECT_EQ(exec_error(*db_, "SELECT * FROM no_such_table").code, sql::errc::query_error);
  EXPECT_EQ(count_rows(*db_, "items"), 1);
}

TEST_F(sqlite_engine, a_failed_transaction_leaves_nothing) {
  // A db_exception thrown by the body.
  db_status st = db_->transact([](sql::transaction& tx) {
    tx.exec("INSERT INTO items (id, name, qty) VALUES (1, 'milk', 3)");
    throw sql::db_exception({sql::errc::constraint_violation, "out of stock"});
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, sql::errc::constraint_violation);
  EXPECT_EQ(st.error().message, "out of stock");
  EXPECT_EQ(count_rows(*db_, "items"), 0);

  // A failing statement after a successful one.
  st = db_->transact([](sql::transaction& tx) {
    tx.exec("INSERT INTO items (id, name, qty) VALUES (1, 'milk', 3)");
    tx.exec("INSERT INTO items (id, name, qty) VALUES (2, 'milk', 3)");
  });
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, sql::errc::unique_violation);
  EXPECT_EQ(count_rows(*db_, "items"), 0);

  // Any other exception rolls back and propagates: it is a bug in the body.
  EXPECT_THROW(db_->transact([](sql::transaction& tx) {
    tx.exec("INSERT INTO items (id, name, qty) VALUES (1, 'milk', 3)");
    throw std::logic_error("bug");
  }),
               std::logic_error);
  EXPECT_EQ(count_rows(*db_, "items"), 0);

  // finish::rollback runs the body and keeps nothing.
  st = db_->transact(
      [](sql::transaction& tx) { tx.exec("INSERT INTO items (id, name, qty) VALUES (1, 'a', 1)"); },
      finish::rollback);
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(count_rows(*db_, "items"), 0);

  // And the database is usable afterwards.
  exec_one(*db_, "INSERT INTO items (id, name, qty) VALUES (1, 'milk', 3)");
  EXPECT_EQ(count_rows(*db_, "items"), 1);
}

TEST_F(sqlite_engine, a_body_may_not_end_its_own_transaction) {
  const auto e = exec_error(*db_, "COMMIT");
  EXPECT_EQ(e.code, sql::errc::query_error);
  exec_one(*db_, "INSERT INTO items (id, name, qty) VALUES (1, 'milk', 3)");
}

// The settings open() gives a private in-memory database (see database::open for why).
TEST_F(sqlite_engine, an_in_memory_database_is_set_up_for_speed_and_foreign_keys) {
  const auto setting = [&](std::string_view pragma) {
    auto r = db_->read("PRAGMA " + std::string(pragma));
    EXPECT_TRUE(r.ok()) << pragma;
    return r.ok() ? r->front().get_int(0) : -1;
  };
  EXPECT_EQ(setting("foreign_keys"), 1);
  EXPECT_EQ(setting("page_size"), 2048);
  EXPECT_EQ(setting("secure_delete"), 0);
  EXPECT_EQ(setting("temp_store"), 2);  // MEMORY
}

// In memory, BEGIN waits for the body's first write; what the body sees and keeps is the same.
TEST_F(sqlite_engine, a_body_that_reads_first_still_keeps_all_or_nothing) {
  exec_one(*db_, "INSERT INTO items (id, name, qty) VALUES (1, 'milk', 3)");

  // Reads, then a write, then a failure: the write is rolled back.
  db_status st = db_->transact([](sql::transaction& tx) {
    EXPECT_EQ(tx.exec("SELECT qty FROM items WHERE id = 1").front().get_int(0), 3);
    tx.exec("UPDATE items SET qty = qty - 1 WHERE id = 1");
    EXPECT_EQ(tx.exec("SELECT qty FROM items WHERE id = 1").front().get_int(0), 2);
    throw sql::db_exception({sql::errc::constraint_violation, "changed my mind"});
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(db_->read("SELECT qty FROM items WHERE id = 1")->front().get_int(0), 3);

  // A body that only reads: it commits nothing, with either finish, and fails nothing.
  for (const finish how : {finish::commit, finish::rollback}) {
    st = db_->transact(
        [](sql::transaction& tx) { EXPECT_EQ(tx.exec("SELECT COUNT(*) FROM items").size(), 1U); },
        how);
    EXPECT_TRUE(st.ok());
  }

  // A body may not begin a transaction of its own either, and the connection recovers.
  const auto e = exec_error(*db_, "BEGIN");
  EXPECT_EQ(e.code, sql::errc::query_error);
  EXPECT_EQ(exec_error(*db_, "SAVEPOINT s").code, sql::errc::query_error);
  exec_one(*db_, "INSERT INTO items (id, name, qty) VALUES (2, 'bread', 1)");
  EXPECT_EQ(count_rows(*db_, "items"), 2);
  st = db_->transact([](sql::transaction& tx) {
    tx.exec("INSERT INTO items (id, name, qty) VALUES (3, 'eggs', 1)");
  }, finish::rollback);
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(count_rows(*db_, "items"), 2);
}

TEST_F(sqlite_engine, portable_returning_and_on_conflict) {
  auto r = exec_one(*db_, "INSERT INTO items (id, name, qty) VALUES ($1, $2, $3) RETURNING id, name",
                    {std::int64_t{7}, "bread"s, std::int64_t{2}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.front().get_int(0), 7);
  EXPECT_EQ(r.front().get_text(1), "bread");
  EXPECT_EQ(r.affected, 1);

  r = exec_one(*db_, "INSERT INTO items (id, name, qty) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
               {std::int64_t{7}, "bread"s, std::int64_t{5}});
  EXPECT_EQ(r.affected, 0);
  r = exec_one(*db_,
               "INSERT INTO items (id, name, qty) VALUES ($1, $2, $3) "
               "ON CONFLICT (id) DO NOTHING RETURNING id",
               {std::int64_t{7}, "bread"s, std::int64_t{5}});
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(r.affected, 0);
  r = exec_one(*db_,
               "INSERT INTO items (id, name, qty) VALUES ($1, $2, $3) "
               "ON CONFLICT (id) DO UPDATE SET qty = items.qty + EXCLUDED.qty RETURNING qty",
               {std::int64_t{7}, "bread"s, std::int64_t{5}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.front().get_int(0), 7);

  exec_one(*db_, "INSERT INTO items (id, name, qty) VALUES (8, 'rice', 1), (9, 'dal', 1)");
  r = exec_one(*db_, "UPDATE items SET qty = qty + 1 WHERE qty < $1 RETURNING id",
               {std::int64_t{100}});
  EXPECT_EQ(r.affected, 3);
  EXPECT_EQ(r.size(), 3u);
  // A SELECT after an UPDATE reports no stale count.
  r = exec_one(*db_, "SELECT id FROM items");
  EXPECT_EQ(r.affected, 0);
  r = exec_one(*db_, "UPDATE items SET qty = 0 WHERE id = $1", {std::int64_t{12345}});
  EXPECT_EQ(r.affected, 0);
  r = exec_one(*db_, "DELETE FROM items WHERE id = $1 RETURNING name", {std::int64_t{8}});
  EXPECT_EQ(r.affected, 1);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.front().get_text(0), "rice");
  // LIMIT/OFFSET paging with parameters, COALESCE and lower() as PostgreSQL writes them.
  r = exec_one(*db_, "SELECT id, COALESCE(NULL, name) FROM items WHERE lower(name) LIKE $1 "
                     "ORDER BY id LIMIT $2 OFFSET $3",
               {"%"s, std::int64_t{1}, std::int64_t{1}});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r.front().get_int(0), 9);
}

TEST_F(sqlite_engine, statement_cache_is_bounded_and_least_recently_used) {
  options opts;
  opts.max_cached_statements = 4;
  auto db = open_memory(opts);
  const auto statement = [](int n) { return "SELECT " + std::to_string(n); };
  for (int n = 0; n < 10; ++n) {
    exec_one(*db, statement(n));
  }
  EXPECT_EQ(db->cached_statements(), 4u);
  EXPECT_EQ(db->statements_prepared(), 10u);
  exec_one(*db, statement(9));  // still cached
  EXPECT_EQ(db->statements_prepared(), 10u);
  exec_one(*db, statement(6));  // touched: now most recent
  exec_one(*db, statement(0));  // evicted long ago: prepared again, evicting 7
  EXPECT_EQ(db->statements_prepared(), 11u);
  exec_one(*db, statement(6));
  EXPECT_EQ(db->statements_prepared(), 11u);
  exec_one(*db, statement(7));
  EXPECT_EQ(db->statements_prepared(), 12u);
  EXPECT_EQ(db->cached_statements(), 4u);
}

TEST_F(sqlite_engine, statement_cache_forgets_an_evicted_statement_run_again_from_the_same_text) {
  options opts;
  opts.max_cached_statements = 2;
  auto db = open_memory(opts);
  const std::string first = "SELECT 1";  // one text object: the cache remembers its address
  exec_one(*db, first);
  exec_one(*db, first);
  EXPECT_EQ(db->statements_prepared(), 1u);
  exec_one(*db, "SELECT 2");
  exec_one(*db, "SELECT 3");  // evicts SELECT 1
  exec_one(*db, first);       // prepared again: the evicted entry is not found by address
  EXPECT_EQ(db->statements_prepared(), 4u);
  EXPECT_EQ(db->cached_statements(), 2u);
  exec_one(*db, first);
  EXPECT_EQ(db->statements_prepared(), 4u);
}

TEST_F(sqlite_engine, one_statement_per_exec) {
  EXPECT_EQ(exec_error(*db_, "DELETE FROM items; DROP TABLE items").code, sql::errc::query_error);
  EXPECT_EQ(exec_error(*db_, "  ").code, sql::errc::query_error);
  EXPECT_EQ(exec_error(*db_, "-- only a comment").code, sql::errc::query_error);
  // A trailing semicolon is fine.
  exec_one(*db_, "SELECT 1;");
  ASSERT_TRUE(db_->read("SELECT name FROM sqlite_master WHERE name = 'items'")->size() == 1);
}

TEST_F(sqlite_engine, result_rows_are_bounded) {
  options opts;
  opts.max_result_rows = 5;
  auto db = open_memory(opts);
  const auto e = exec_error(*db,
                            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
                            "WHERE x < 10) SELECT x FROM n");
  EXPECT_EQ(e.code, sql::errc::query_error);
  EXPECT_EQ(exec_one(*db, "SELECT 1 UNION ALL SELECT 2").size(), 2u);
}

TEST_F(sqlite_engine, read_refuses_writes) {
  const auto r = db_->read("DELETE FROM items");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, sql::errc::query_error);
}

TEST_F(sqlite_engine, scripts_apply_atomically) {
  const db_status bad = db_->exec_script(
      "CREATE TABLE a (x BIGINT); INSERT INTO a VALUES (1); INSERT INTO nowhere VALUES (2);");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, sql::errc::query_error);
  EXPECT_TRUE(db_->read("SELECT name FROM sqlite_master WHERE name = 'a'")->empty());
  ASSERT_TRUE(db_->exec_script("CREATE TABLE a (x BIGINT); INSERT INTO a VALUES (1);").ok());
  EXPECT_EQ(count_rows(*db_, "a"), 1);
}

// Two connections to a fresh database file holding table t (x BIGINT), removed afterwards.
class sqlite_file : public ::testing::Test {
 protected:
  void SetUp() override {
    std::remove(path_.c_str());
    auto a = database::open(path_);
    auto b = database::open(path_);
    ASSERT_TRUE(a.ok() && b.ok());
    first_ = std::move(*a);
    second_ = std::move(*b);
    ASSERT_TRUE(first_->exec_script("CREATE TABLE t (x BIGINT);").ok());
  }
  void TearDown() override {
    first_.reset();
    second_.reset();
    std::remove(path_.c_str());
  }

  const std::string path_ = temp_path("two_connections.db");
  std::unique_ptr<database> first_;
  std::unique_ptr<database> second_;
};

TEST_F(sqlite_file, a_held_write_lock_is_a_serialization_conflict) {
  db_status inner;
  const db_status outer = first_->transact([&](sql::transaction& tx) {
    tx.exec("INSERT INTO t (x) VALUES (1)");
    inner = second_->transact(
        [](sql::transaction& tx2) { tx2.exec("INSERT INTO t (x) VALUES (2)"); });
  });
  EXPECT_TRUE(outer.ok());
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, sql::errc::serialization_conflict);
  EXPECT_EQ(second_->read("SELECT COUNT(*) FROM t")->front().get_int(0), 1);
}

// A file may have other writers, so a transaction takes the write lock when it begins (BEGIN
// IMMEDIATE): a body that reads and then writes never fails halfway on a lock upgrade; it
// waits (or fails) before it runs at all.
TEST_F(sqlite_file, a_transaction_takes_the_write_lock_before_its_body_runs) {
  db_status inner;
  bool inner_ran = false;
  const db_status outer = first_->transact([&](sql::transaction& tx) {
    tx.exec("INSERT INTO t (x) VALUES (1)");
    inner = second_->transact([&](sql::transaction& tx2) {
      inner_ran = true;
      tx2.exec("SELECT COUNT(*) FROM t");
    });
  });
  EXPECT_TRUE(outer.ok());
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, sql::errc::serialization_conflict);
  EXPECT_FALSE(inner_ran);
}

TEST(embedded_storage, transactions_persist_in_the_file) {
  const std::string path = temp_path("embedded_test.db");
  std::remove(path.c_str());
  {
    auto store = embedded_storage::open(path);
    ASSERT_TRUE(store.ok());
    EXPECT_EQ((*store)->engine(), "sqlite");
    ASSERT_TRUE((*store)->db().exec_script("CREATE TABLE t (k BIGINT PRIMARY KEY, v TEXT);").ok());
    auto st = test::drive((*store)->transact(
        [](sql::transaction& tx) { tx.exec("INSERT INTO t (k, v) VALUES ($1, $2)", {std::int64_t{1}, "one"s}); },
        ms(100)));
    ASSERT_TRUE(st.has_value());
    EXPECT_TRUE(st->ok());
    auto dup = test::drive((*store)->transact(
        [](sql::transaction& tx) { tx.exec("INSERT INTO t (k, v) VALUES (1, 'again')"); }, ms(100)));
    ASSERT_TRUE(dup.has_value());
    ASSERT_FALSE(dup->ok());
    EXPECT_EQ(dup->error().code, sql::errc::unique_violation);
    auto value = test::drive(rt::transact_value<std::string>(
        **store, ms(100),
        [](sql::transaction& tx) { return tx.exec("SELECT v FROM t WHERE k = 1").front().get_text(0); }));
    ASSERT_TRUE(value.has_value() && value->ok());
    EXPECT_EQ(**value, "one");
  }
  auto reopened = embedded_storage::open(path);
  ASSERT_TRUE(reopened.ok());
  const auto r = (*reopened)->db().read("SELECT v FROM t");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(r->front().get_text(0), "one");
  reopened->reset();
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  std::remove((path + "-shm").c_str());
}

TEST(embedded_storage, an_unopenable_path_is_unavailable) {
  auto store = embedded_storage::open("/nonexistent-dir/sub/x.db");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, sql::errc::unavailable);
}

}  // namespace
}  // namespace qm::rt::sqlite
