// SQLite result codes map onto the errors a service can act on.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "runtime/sqlite/errors.hpp"

namespace qm::rt::sqlite {
namespace {

TEST(sqlite_errors, result_codes_map_to_errc) {
  EXPECT_EQ(map_result_code(SQLITE_CONSTRAINT_UNIQUE), sql::errc::unique_violation);
  EXPECT_EQ(map_result_code(SQLITE_CONSTRAINT_PRIMARYKEY), sql::errc::unique_violation);
  EXPECT_EQ(map_result_code(SQLITE_CONSTRAINT_NOTNULL), sql::errc::constraint_violation);
  EXPECT_EQ(map_result_code(SQLITE_CONSTRAINT_FOREIGNKEY), sql::errc::constraint_violation);
  EXPECT_EQ(map_result_code(SQLITE_CONSTRAINT_CHECK), sql::errc::constraint_violation);
  EXPECT_EQ(map_result_code(SQLITE_BUSY), sql::errc::serialization_conflict);
  EXPECT_EQ(map_result_code(SQLITE_BUSY_SNAPSHOT), sql::errc::serialization_conflict);
  EXPECT_EQ(map_result_code(SQLITE_LOCKED), sql::errc::serialization_conflict);
  EXPECT_EQ(map_result_code(SQLITE_LOCKED_SHAREDCACHE), sql::errc::serialization_conflict);
  EXPECT_EQ(map_result_code(SQLITE_ERROR), sql::errc::query_error);
  EXPECT_EQ(map_result_code(SQLITE_MISMATCH), sql::errc::query_error);
  EXPECT_EQ(map_result_code(SQLITE_RANGE), sql::errc::query_error);
}

}  // namespace
}  // namespace qm::rt::sqlite
