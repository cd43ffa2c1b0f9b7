// Deadline header: round trip, rounding down, clamping on format, refusals on parse.

#include <gtest/gtest.h>

#include <string>

#include "core/resilience/deadline.hpp"

namespace qm::resilience {
namespace {

TEST(deadline_header, round_trips_whole_milliseconds) {
  for (const duration d : {ms(0), ms(1), ms(250), seconds(30), max_propagated_remaining}) {
    const auto parsed = parse_remaining(format_remaining(d));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, d);
  }
  EXPECT_EQ(deadline_header, "x-quickmart-deadline-ms");
}

TEST(deadline_header, format_rounds_down_and_clamps) {
  EXPECT_EQ(format_remaining(duration(1999)), "1");
  EXPECT_EQ(format_remaining(duration(999)), "0");
  EXPECT_EQ(format_remaining(ms(-5)), "0");
  EXPECT_EQ(format_remaining(seconds(3600)), "600000");
  EXPECT_EQ(format_remaining(duration::max()), "600000");
  EXPECT_EQ(format_remaining(duration::min()), "0");
}

TEST(deadline_header, parse_accepts_digits_with_optional_whitespace) {
  EXPECT_EQ(parse_remaining("1500"), ms(1500));
  EXPECT_EQ(parse_remaining(" 7\t"), ms(7));
  EXPECT_EQ(parse_remaining("000042"), ms(42));
  EXPECT_EQ(parse_remaining("600000"), ms(600000));
}

TEST(deadline_header, parse_refuses_garbage_negatives_and_absurd_values) {
  for (const char* bad : {"", " ", "-1", "+5", "1.5", "1e3", "12ms", "0x10", "1 2", "abc", "600001",
                          "99999999999999999999999999", "\xff"}) {
    EXPECT_FALSE(parse_remaining(bad)) << '"' << bad << '"';
  }
}

TEST(header_digits, saturate_instead_of_overflowing) {
  EXPECT_EQ(parse_header_digits("123", 1000), 123);
  EXPECT_EQ(parse_header_digits("1000", 1000), 1000);
  EXPECT_EQ(parse_header_digits("1001", 1000), 1000);
  EXPECT_EQ(parse_header_digits("9", 5), 5);
  EXPECT_EQ(parse_header_digits("90", 5), 5);
  EXPECT_EQ(parse_header_digits("99999999999999999999999999999", 1000), 1000);
  EXPECT_FALSE(parse_header_digits("12a", 1000));
}

}  // namespace
}  // namespace qm::resilience
