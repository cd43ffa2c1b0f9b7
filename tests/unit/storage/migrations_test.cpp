// Migrations: applied once, in order, recorded; a failure applies nothing of its migration.

#include <gtest/gtest.h>

#include <array>

#include "runtime/migrations.hpp"
#include "runtime/sqlite/embedded_storage.hpp"
#include "tests/unit/storage/drive.hpp"

namespace qm::rt {
namespace {

using namespace std::string_literals;

constexpr std::array<migration, 2> shop_migrations{{
    {1, "create items",
     "-- the catalogue\n"
     "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL);\n"
     "INSERT INTO items (id, name) VALUES (1, 'semi;colon'); /* a ; in a comment */\n"
     "INSERT INTO items (id, name) VALUES (2, 'it''s');"},
    {2, "add stock", "CREATE TABLE stock (item_id BIGINT PRIMARY KEY REFERENCES items (id), qty BIGINT)"},
}};

class migrations_test : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = sqlite::embedded_storage::open(":memory:");
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
  }
  db_status apply(std::span<const migration> list) {
    auto st = test::drive(apply_migrations(*store_, list));
    EXPECT_TRUE(st.has_value());
    return st.value_or(db_status{});
  }
  sql::rows read(std::string_view statement) {
    auto r = store_->db().read(statement);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(*r) : sql::rows{};
  }
  std::unique_ptr<sqlite::embedded_storage> store_;
};

TEST_F(migrations_test, applied_once_and_recorded) {
  ASSERT_TRUE(apply(shop_migrations).ok());
  ASSERT_TRUE(apply(shop_migrations).ok());
  const auto versions = read("SELECT version, name FROM schema_migrations ORDER BY version");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions.data[0].get_int(0), 1);
  EXPECT_EQ(versions.data[0].get_text(1), "create items");
  EXPECT_EQ(versions.data[1].get_int(0), 2);
  // The seed rows went in once, quotes and comments intact.
  const auto items = read("SELECT name FROM items ORDER BY id");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items.data[0].get_text(0), "semi;colon");
  EXPECT_EQ(items.data[1].get_text(0), "it's");
  EXPECT_EQ(read("SELECT COUNT(*) FROM stock").front().get_int(0), 0);
}

TEST_F(migrations_test, later_migrations_apply_on_top) {
  ASSERT_TRUE(apply(std::span(shop_migrations).first(1)).ok());
  EXPECT_TRUE(read("SELECT name FROM sqlite_master WHERE name = 'stock'").empty());
  ASSERT_TRUE(apply(shop_migrations).ok());
  EXPECT_EQ(read("SELECT name FROM sqlite_master WHERE name = 'stock'").size(), 1u);
  EXPECT_EQ(read("SELECT COUNT(*) FROM schema_migrations").front().get_int(0), 2);
}

TEST_F(migrations_test, a_failing_migration_applies_nothing_of_itself_and_stops) {
  const std::array<migration, 3> list{{
      shop_migrations[0],
      {2, "broken", "CREATE TABLE half (x BIGINT); INSERT INTO nowhere VALUES (1)"},
      {3, "never", "CREATE TABLE never (x BIGINT)"},
  }};
  const db_status st = apply(list);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, sql::errc::query_error);
  EXPECT_NE(st.error().message.find("migration 2 (broken)"), std::string::npos) << st.error().message;
  EXPECT_TRUE(read("SELECT name FROM sqlite_master WHERE name IN ('half', 'never')").empty());
  EXPECT_EQ(read("SELECT COUNT(*) FROM schema_migrations").front().get_int(0), 1);
}

TEST_F(migrations_test, a_renumbered_list_is_refused) {
  ASSERT_TRUE(apply(shop_migrations).ok());
  const std::array<migration, 1> renamed{{{1, "something else", "CREATE TABLE x (y BIGINT)"}}};
  const db_status st = apply(renamed);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("create items"), std::string::npos) << st.error().message;
}

TEST(split_sql_statements, splits_outside_quotes_and_comments) {
  const auto parts = split_sql_statements(
      "CREATE TABLE \"odd;name\" (x TEXT DEFAULT 'a;b'); -- trailing; comment\n"
      "/* block; */ INSERT INTO t VALUES ('x''; y');;\n  ;  \n"
      "SELECT 1");
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0], "CREATE TABLE \"odd;name\" (x TEXT DEFAULT 'a;b')");
  EXPECT_EQ(parts[1], "INSERT INTO t VALUES ('x''; y')");
  EXPECT_EQ(parts[2], "SELECT 1");
  EXPECT_TRUE(split_sql_statements(" -- nothing\n /* at all */ ;").empty());
}

}  // namespace
}  // namespace qm::rt
