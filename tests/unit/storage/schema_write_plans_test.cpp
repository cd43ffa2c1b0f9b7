// Every service's migrated SQLite schema lets a row be written without a throwaway b-tree.
//
// SQLite checks `x IN ('a', 'b', 'c')` (three or more constants) in a CHECK constraint by
// building an ephemeral b-tree of the list each time the statement runs: a pager, a hash
// table and two zeroed pages on every INSERT, and on every UPDATE that sets the column. The
// hot tables were migrated to comparison chains; this pins that no table of any service, a
// new one included, brings such a list back. The compiled program is read with EXPLAIN: an
// OpenEphemeral opcode is the b-tree.

#include <gtest/gtest.h>

#include <span>
#include <string>

#include "runtime/migrations.hpp"
#include "runtime/sqlite/embedded_storage.hpp"
#include "services/auth/store.hpp"
#include "services/cart/store.hpp"
#include "services/delivery/store.hpp"
#include "services/order/store.hpp"
#include "services/product/store.hpp"
#include "tests/unit/storage/drive.hpp"

namespace qm::test {
namespace {

struct service_schema {
  const char* name;
  std::span<const rt::migration> (*migrations)();
};

const service_schema schemas[] = {
    {"auth", auth::auth_migrations},         {"cart", cart::cart_migrations},
    {"product", product::product_migrations}, {"order", order::order_migrations},
    {"delivery", delivery::delivery_migrations},
};

// How many OpenEphemeral opcodes an EXPLAIN listing holds (column 1 is the opcode).
int opened_ephemeral(const sql::rows& program) {
  int opens = 0;
  for (const auto& r : program.data) {
    opens += r.get_text(1) == "OpenEphemeral" ? 1 : 0;
  }
  return opens;
}

class schema_write_plans : public ::testing::TestWithParam<service_schema> {
 protected:
  void SetUp() override {
    auto opened = rt::sqlite::embedded_storage::open(":memory:");
    ASSERT_TRUE(opened.ok());
    store_ = std::move(*opened);
    auto migrated = drive(rt::apply_migrations(*store_, GetParam().migrations()));
    ASSERT_TRUE(migrated.has_value());
    ASSERT_TRUE(migrated->ok()) << migrated->error().message;
  }

  // The rows of a statement run in its own transaction (EXPLAIN of a write counts as a
  // write); its $1..$n are bound to NULL.
  sql::rows run(const std::string& statement, std::size_t placeholders = 0) {
    sql::rows out;
    const sql::params nulls(placeholders, sql::value(sql::null));
    auto done = drive(store_->transact(
        [&](sql::transaction& tx) { out = tx.exec(statement, nulls); }, seconds(10)));
    EXPECT_TRUE(done.has_value());
    EXPECT_TRUE(done->ok()) << done->error().message;
    return out;
  }

  // How many times a statement's compiled program opens an ephemeral table.
  int ephemeral_opens(const std::string& statement, std::size_t placeholders) {
    return opened_ephemeral(run("EXPLAIN " + statement, placeholders));
  }

  std::unique_ptr<rt::sqlite::embedded_storage> store_;
};

TEST_P(schema_write_plans, no_insert_or_column_update_builds_an_ephemeral_table) {
  const auto tables = run("SELECT name FROM sqlite_schema WHERE type = 'table' "
                          "AND name NOT LIKE 'sqlite_%' ORDER BY name");
  ASSERT_GT(tables.size(), 1u);  // schema_migrations and the service's own
  for (const auto& t : tables.data) {
    const std::string table = t.get_text(0);
    const auto columns = run("SELECT name FROM pragma_table_info('" + table + "')");
    ASSERT_FALSE(columns.empty()) << table;
    std::string names;
    std::string values;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      names += (i == 0 ? "" : ", ") + columns.data[i].get_text(0);
      values += (i == 0 ? "$" : ", $") + std::to_string(i + 1);
      const std::string set = "UPDATE " + table + " SET " + columns.data[i].get_text(0) +
                              " = $1 WHERE rowid = $2";
      EXPECT_EQ(ephemeral_opens(set, 2), 0) << GetParam().name << ": " << set;
    }
    const std::string insert = "INSERT INTO " + table + " (" + names + ") VALUES (" + values + ")";
    EXPECT_EQ(ephemeral_opens(insert, columns.size()), 0) << GetParam().name << ": " << insert;
  }
}

// The check can see the b-tree: a table with a three-constant IN list does build one.
TEST(schema_write_plans_probe, an_in_list_check_builds_an_ephemeral_table) {
  auto opened = rt::sqlite::embedded_storage::open(":memory:");
  ASSERT_TRUE(opened.ok());
  auto& store = **opened;
  int with_list = -1;
  int with_chain = -1;
  auto done = drive(store.transact(
      [&](sql::transaction& tx) {
        tx.exec("CREATE TABLE listed (s TEXT NOT NULL CHECK (s IN ('a', 'b', 'c')))");
        tx.exec("CREATE TABLE chained (s TEXT NOT NULL CHECK (s = 'a' OR s = 'b' OR s = 'c'))");
        const sql::params one_null{sql::value(sql::null)};
        with_list = opened_ephemeral(tx.exec("EXPLAIN INSERT INTO listed (s) VALUES ($1)", one_null));
        with_chain =
            opened_ephemeral(tx.exec("EXPLAIN INSERT INTO chained (s) VALUES ($1)", one_null));
      },
      seconds(10)));
  ASSERT_TRUE(done.has_value());
  ASSERT_TRUE(done->ok()) << done->error().message;
  EXPECT_EQ(with_list, 1);
  EXPECT_EQ(with_chain, 0);
}

INSTANTIATE_TEST_SUITE_P(services, schema_write_plans, ::testing::ValuesIn(schemas),
                         [](const ::testing::TestParamInfo<service_schema>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace qm::test
