// The SQL vocabulary: placeholder counting, typed row access, error classification.

#include "core/sql/sql.hpp"

#include <gtest/gtest.h>

namespace qm::sql {
namespace {

TEST(placeholder_count, is_the_highest_placeholder) {
  EXPECT_EQ(placeholder_count("SELECT 1"), 0);
  EXPECT_EQ(placeholder_count("SELECT * FROM users WHERE id = $1"), 1);
  EXPECT_EQ(placeholder_count("INSERT INTO t (a, b, c) VALUES ($1, $2, $3)"), 3);
  EXPECT_EQ(placeholder_count("UPDATE t SET a = $2 WHERE id = $1"), 2);
  EXPECT_EQ(placeholder_count("SELECT $1, $1, $1"), 1);
  EXPECT_EQ(placeholder_count("SELECT $10 + $9"), 10);
  EXPECT_EQ(placeholder_count("SELECT $1,$2"), 2);
}

TEST(placeholder_count, ignores_dollars_inside_string_literals) {
  EXPECT_EQ(placeholder_count("SELECT '$5' || $1"), 1);
  EXPECT_EQ(placeholder_count("SELECT 'it''s $9', $2"), 2);
  EXPECT_EQ(placeholder_count("SELECT 'a', '$3', 'b' WHERE x = $1"), 1);
}

TEST(placeholder_count, a_bare_dollar_is_not_a_placeholder) {
  EXPECT_EQ(placeholder_count("SELECT $"), 0);
  EXPECT_EQ(placeholder_count("SELECT $x"), 0);
  EXPECT_EQ(placeholder_count(""), 0);
}

TEST(row, reads_typed_columns) {
  row r({std::int64_t{42}, 2.5, std::string("text"), null});
  EXPECT_EQ(r.size(), 4u);
  EXPECT_EQ(r.get_int(0), 42);
  EXPECT_DOUBLE_EQ(r.get_double(1), 2.5);
  EXPECT_DOUBLE_EQ(r.get_double(0), 42.0);
  EXPECT_EQ(r.get_text(2), "text");
  EXPECT_TRUE(r.is_null(3));
  EXPECT_FALSE(r.is_null(0));
  EXPECT_FALSE(r.get_optional_text(3).has_value());
  EXPECT_EQ(r.get_optional_text(2), "text");
}

TEST(row, reads_integers_and_numbers_from_text_results) {
  // PostgreSQL's text protocol hands every value over as a string.
  row r({std::string("-17"), std::string("3.25")});
  EXPECT_EQ(r.get_int(0), -17);
  EXPECT_DOUBLE_EQ(r.get_double(1), 3.25);
}

TEST(row, type_mismatches_throw_a_query_error) {
  row r({std::int64_t{1}, null, 2.5});
  try {
    (void)r.get_text(0);
    FAIL() << "get_text on an integer column";
  } catch (const db_exception& e) {
    EXPECT_EQ(e.error().code, errc::query_error);
  }
  EXPECT_THROW((void)r.get_int(1), db_exception);
  EXPECT_THROW((void)r.get_int(2), db_exception);
  EXPECT_THROW((void)r.get_double(1), db_exception);
}

TEST(row, text_that_is_not_a_number_throws_a_query_error) {
  // A malformed text value is a query error the storage engine reports, not a stray
  // std::invalid_argument, and a number with trailing junk is not silently truncated.
  row r({std::string("abc"), std::string("12abc"), std::string(""), std::string("99999999999999999999"),
         std::string("1.5x")});
  for (std::size_t i = 0; i < 4; ++i) {
    try {
      (void)r.get_int(i);
      ADD_FAILURE() << "get_int accepted column " << i;
    } catch (const db_exception& e) {
      EXPECT_EQ(e.error().code, errc::query_error);
    }
  }
  EXPECT_THROW((void)r.get_double(0), db_exception);
  EXPECT_THROW((void)r.get_double(4), db_exception);
}

TEST(row_death, column_out_of_range_is_a_bug) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  row r({std::int64_t{1}});
  EXPECT_DEATH((void)r.at(1), "column index out of range");
}

TEST(errc, transient_errors_are_the_ones_worth_a_retry) {
  EXPECT_TRUE(is_transient(errc::unavailable));
  EXPECT_TRUE(is_transient(errc::timeout));
  EXPECT_TRUE(is_transient(errc::serialization_conflict));
  EXPECT_TRUE(is_transient(errc::outcome_unknown));
  EXPECT_FALSE(is_transient(errc::unique_violation));
  EXPECT_FALSE(is_transient(errc::constraint_violation));
  EXPECT_FALSE(is_transient(errc::access_denied));
  EXPECT_FALSE(is_transient(errc::query_error));
}

TEST(errc, has_stable_names) {
  EXPECT_EQ(to_string(errc::unavailable), "unavailable");
  EXPECT_EQ(to_string(errc::outcome_unknown), "outcome_unknown");
  EXPECT_EQ(to_string(errc::access_denied), "access_denied");
}

TEST(db_exception, carries_the_error) {
  const db_exception e({errc::unique_violation, "users.email"});
  EXPECT_EQ(e.error().code, errc::unique_violation);
  EXPECT_STREQ(e.what(), "users.email");
}

}  // namespace
}  // namespace qm::sql
