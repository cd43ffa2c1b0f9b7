// The trace's short description of a statement: verb and table.

#include <gtest/gtest.h>

#include "sim/storage/statement_summary.hpp"

namespace qm::sim {
namespace {

TEST(statement_summary, names_verb_and_table) {
  EXPECT_EQ(statement_summary("INSERT INTO users (id) VALUES ($1)"), "insert users");
  EXPECT_EQ(statement_summary("insert into \"Users\"(id) values (1) returning id"), "insert users");
  EXPECT_EQ(statement_summary("  UPDATE sessions SET revoked = 1 WHERE id = $1"), "update sessions");
  EXPECT_EQ(statement_summary("DELETE FROM carts WHERE user_id = $1"), "delete carts");
  EXPECT_EQ(statement_summary("SELECT a, b FROM products p JOIN stock s ON s.id = p.id"),
            "select products");
  EXPECT_EQ(statement_summary("SELECT 'from x' FROM real_table"), "select real_table");
  EXPECT_EQ(statement_summary("SELECT 1"), "select");
  EXPECT_EQ(statement_summary("-- why\nSELECT * FROM t"), "select t");
  EXPECT_EQ(statement_summary("CREATE TABLE IF NOT EXISTS schema_migrations (v BIGINT)"),
            "create table schema_migrations");
  EXPECT_EQ(statement_summary("CREATE UNIQUE INDEX idx_email ON users (email)"),
            "create index idx_email");
  EXPECT_EQ(statement_summary(""), "empty");
}

}  // namespace
}  // namespace qm::sim
