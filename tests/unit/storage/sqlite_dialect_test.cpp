// The SQLite engine's reading of portable SQL: BIGINT PRIMARY KEY as INTEGER PRIMARY KEY (the
// rowid), and nothing else touched.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "runtime/sqlite/database.hpp"
#include "runtime/sqlite/dialect.hpp"

namespace qm::rt::sqlite {
namespace {

TEST(sqlite_dialect, a_bigint_primary_key_becomes_the_rowid) {
  EXPECT_EQ(sqlite_dialect("CREATE TABLE t (id BIGINT PRIMARY KEY, n TEXT)"),
            "CREATE TABLE t (id INTEGER PRIMARY KEY, n TEXT)");
  // Any case, any whitespace, constraints after it kept.
  EXPECT_EQ(sqlite_dialect("create table t (id bigint\n    Primary\tKEY references p (id))"),
            "create table t (id INTEGER PRIMARY KEY references p (id))");
  EXPECT_EQ(sqlite_dialect("CREATE TABLE a (x BIGINT PRIMARY KEY); CREATE TABLE b (y BIGINT PRIMARY KEY)"),
            "CREATE TABLE a (x INTEGER PRIMARY KEY); CREATE TABLE b (y INTEGER PRIMARY KEY)");
  EXPECT_TRUE(needs_dialect("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
}

TEST(sqlite_dialect, everything_else_is_left_as_written) {
  for (const std::string text : {
           "SELECT id FROM t WHERE id = $1",
           "CREATE TABLE t (a BIGINT NOT NULL, b BIGINT, PRIMARY KEY (a, b))",  // composite
           "CREATE TABLE t (id TEXT PRIMARY KEY)",
           "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY)",  // not the exact phrase
           "CREATE TABLE t (id XBIGINT PRIMARY KEY)",          // not a whole word
           "CREATE TABLE t (id BIGINT PRIMARY KEYS)",
           "CREATE TABLE t (id BIGINTPRIMARY KEY)",
           "INSERT INTO notes (body) VALUES ('BIGINT PRIMARY KEY')",
           "CREATE TABLE \"BIGINT PRIMARY KEY\" (x BIGINT)",
           "-- BIGINT PRIMARY KEY\nCREATE TABLE t (x BIGINT)",
           "/* BIGINT PRIMARY KEY */ CREATE TABLE t (x BIGINT)",
           "SELECT 'it''s BIGINT PRIMARY KEY'",
           "SELECT 'unterminated BIGINT PRIMARY KEY",
       }) {
    EXPECT_FALSE(needs_dialect(text)) << text;
    EXPECT_EQ(sqlite_dialect(text), text);
  }
}

TEST(sqlite_dialect, the_rowid_key_keeps_the_range_and_the_uniqueness) {
  auto opened = database::open(":memory:");
  ASSERT_TRUE(opened.ok());
  database& db = **opened;
  ASSERT_TRUE(db.exec_script("CREATE TABLE t (id BIGINT PRIMARY KEY, n TEXT);").ok());
  // No index beside the table: the key is the rowid.
  EXPECT_TRUE(db.read("PRAGMA index_list(t)")->empty());
  const auto insert = [&](sql::value id) {
    return db.transact([&](sql::transaction& tx) {
      tx.exec("INSERT INTO t (id, n) VALUES ($1, 'x')", {std::move(id)});
    });
  };
  EXPECT_TRUE(insert(std::int64_t{9'223'372'036'854'775'807}).ok());
  EXPECT_TRUE(insert(std::int64_t{-9'223'372'036'854'775'807 - 1}).ok());
  const auto twice = insert(std::int64_t{9'223'372'036'854'775'807});
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, sql::errc::unique_violation);
  // Like PostgreSQL's BIGINT, and unlike a plain SQLite column, the key refuses text.
  const auto text = insert(std::string("not a number"));
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(db.read("SELECT id FROM t ORDER BY id")->size(), 2u);
  // Statements run through a transaction are read the same way.
  ASSERT_TRUE(db.transact([](sql::transaction& tx) {
                  tx.exec("CREATE TABLE u (id BIGINT PRIMARY KEY)");
                }).ok());
  EXPECT_TRUE(db.read("PRAGMA index_list(u)")->empty());
}

}  // namespace
}  // namespace qm::rt::sqlite
