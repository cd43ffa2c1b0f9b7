// write_int and append_int: the text std::to_chars gives, for every width and sign, at the
// edges where the digit count changes and over a spread of values.

#include "core/base/append_int.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace qm {
namespace {

template <typename I>
std::string expected(I v) {
  char buf[32];
  const auto written = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, written.ptr);
}

template <typename I>
std::string written(I v) {
  char buf[max_int_chars];
  return std::string(buf, write_int(buf, v));
}

template <typename I>
void expect_like_to_chars(I v) {
  EXPECT_EQ(written(v), expected(v));
  std::string s = "x";
  append_int(s, v);
  EXPECT_EQ(s, "x" + expected(v));
}

TEST(append_int, writes_each_type_at_its_limits) {
  expect_like_to_chars(std::numeric_limits<std::int64_t>::min());
  expect_like_to_chars(std::numeric_limits<std::int64_t>::max());
  expect_like_to_chars(std::numeric_limits<std::uint64_t>::max());
  expect_like_to_chars(std::numeric_limits<std::int32_t>::min());
  expect_like_to_chars(std::numeric_limits<std::uint32_t>::max());
  expect_like_to_chars(std::numeric_limits<std::int16_t>::min());
  expect_like_to_chars(std::numeric_limits<std::int8_t>::min());
  expect_like_to_chars(std::numeric_limits<std::uint8_t>::max());
  expect_like_to_chars(0);
  expect_like_to_chars(std::uint64_t{0});
}

TEST(append_int, writes_values_next_to_powers_of_ten_and_two) {
  std::uint64_t power = 1;
  for (int k = 0; k < 20; ++k, power *= 10) {
    for (std::uint64_t v : {power - 1, power, power + 1}) {
      expect_like_to_chars(v);
      expect_like_to_chars(static_cast<std::int64_t>(v));
      expect_like_to_chars(-static_cast<std::int64_t>(v));
    }
  }
  for (int k = 0; k < 64; ++k) {
    const std::uint64_t p = std::uint64_t{1} << k;
    for (std::uint64_t v : {p - 1, p, p + 1}) {
      expect_like_to_chars(v);
      expect_like_to_chars(static_cast<std::int64_t>(v));
    }
  }
}

TEST(append_int, writes_small_and_spread_values) {
  for (std::int64_t v = -1000; v <= 100'000; ++v) {
    ASSERT_EQ(written(v), expected(v));
  }
  std::mt19937_64 gen(7);
  for (int i = 0; i < 100'000; ++i) {
    const std::uint64_t r = gen();
    const std::uint64_t v = r >> (r % 64);  // every magnitude, not mostly 20-digit values
    ASSERT_EQ(written(v), expected(v));
    ASSERT_EQ(written(static_cast<std::int64_t>(v)), expected(static_cast<std::int64_t>(v)));
  }
}

}  // namespace
}  // namespace qm
