// JSON helpers: every bad input becomes a field-level error, never a crash.

#include "core/json/json.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace qm::json {
namespace {

object parsed(std::string_view body) {
  auto r = parse_object(body);
  QM_ASSERT_MSG(r.ok(), "test input must parse");
  return std::move(r).value();
}

TEST(parse_object, accepts_an_object) {
  auto r = parse_object(R"({"email":"a@b.in","age":30,"tags":["x"]})");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("email").as_string(), "a@b.in");
  EXPECT_EQ(r->at("age").as_int64(), 30);
}

TEST(parse_object, rejects_malformed_json_with_a_whole_body_error) {
  for (std::string_view body : {R"({"a":)", R"({"a" 1})", "{'a':1}", "{\"a\":1,}", "nul", "{}}"}) {
    auto r = parse_object(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().field, "");
    EXPECT_NE(r.error().message.find("malformed JSON"), std::string::npos) << r.error().message;
  }
}

TEST(parse_object, rejects_documents_that_are_not_objects) {
  for (std::string_view body : {"[]", "1", "\"s\"", "null", "true"}) {
    auto r = parse_object(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.error().message, "body must be a JSON object");
  }
}

TEST(parse_object, rejects_an_empty_body) {
  auto r = parse_object("");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("empty"), std::string::npos);
}

TEST(parse_object, enforces_the_size_limit) {
  const std::string body = R"({"a":")" + std::string(100, 'x') + R"("})";
  EXPECT_TRUE(parse_object(body, body.size()).ok());
  auto r = parse_object(body, body.size() - 1);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("larger than"), std::string::npos);
}

TEST(parse_object, bounds_nesting_depth) {
  std::string deep;
  for (int i = 0; i < 100; ++i) {
    deep += R"({"a":)";
  }
  deep += "1";
  for (int i = 0; i < 100; ++i) {
    deep += "}";
  }
  EXPECT_FALSE(parse_object(deep).ok());
}

TEST(parse_object, rejects_invalid_utf8_in_the_text) {
  EXPECT_FALSE(parse_object("{\"name\":\"\xff\xfe\"}").ok());
  EXPECT_FALSE(parse_object("{\"name\":\"\xc3\"}").ok());  // truncated sequence
}

TEST(required_string, reads_a_present_string) {
  const object o = parsed(R"({"name":"Asha"})");
  auto r = required_string(o, "name", 1, 64);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "Asha");
}

TEST(required_string, missing_and_null_are_required_errors) {
  const object o = parsed(R"({"name":null})");
  for (std::string_view field : {"name", "email"}) {
    auto r = required_string(o, field, 1, 64);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().field, field);
    EXPECT_EQ(r.error().message, "is required");
  }
}

TEST(required_string, wrong_types_name_the_field) {
  const object o = parsed(R"({"a":1,"b":true,"c":[],"d":{},"e":1.5})");
  for (std::string_view field : {"a", "b", "c", "d", "e"}) {
    auto r = required_string(o, field, 0, 64);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.error().field, field);
    EXPECT_EQ(r.error().message, "must be a string");
  }
}

TEST(required_string, length_bounds_are_inclusive) {
  const object o = parsed(R"({"p":"abcd"})");
  EXPECT_TRUE(required_string(o, "p", 4, 4).ok());
  auto short_r = required_string(o, "p", 5, 10);
  ASSERT_FALSE(short_r.ok());
  EXPECT_EQ(short_r.error().message, "must be at least 5 characters");
  auto long_r = required_string(o, "p", 1, 3);
  ASSERT_FALSE(long_r.ok());
  EXPECT_EQ(long_r.error().message, "must be at most 3 characters");
}

TEST(required_string, lengths_count_characters_not_bytes) {
  // "दूध" (milk) is 3 code points in 9 bytes; "é" is 1 code point in 2 bytes.
  const object o = parsed("{\"hi\":\"\xe0\xa4\xa6\xe0\xa5\x82\xe0\xa4\xa7\",\"fr\":\"caf\xc3\xa9\"}");
  EXPECT_TRUE(required_string(o, "hi", 3, 3).ok());
  EXPECT_FALSE(required_string(o, "hi", 4, 9).ok());
  EXPECT_TRUE(required_string(o, "fr", 4, 4).ok());
}

TEST(required_string, rejects_invalid_utf8_in_a_built_object) {
  // Objects built in code (not parsed) can hold any bytes; the checked read still refuses them.
  for (const char* bad : {"\xff", "a\xc3", "\xe0\xa4", "\x80", "\xc0\xaf", "\xe0\x80\xaf",
                          "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80"}) {
    object o;
    o["s"] = bad;
    auto r = required_string(o, "s", 0, 64);
    ASSERT_FALSE(r.ok()) << "accepted invalid UTF-8";
    EXPECT_EQ(r.error().message, "must be valid UTF-8");
  }
  for (const char* good : {"plain", "caf\xc3\xa9", "\xe2\x82\xb9", "\xf0\x9f\x9b\x92", "\xf4\x8f\xbf\xbf",
                           "\xed\x9f\xbf", "\xee\x80\x80"}) {
    object o;
    o["s"] = good;
    EXPECT_TRUE(required_string(o, "s", 0, 64).ok()) << "rejected valid UTF-8";
  }
}

TEST(optional_string, missing_is_nullopt_but_bad_is_an_error) {
  const object o = parsed(R"({"n":null,"x":"v","bad":5})");
  auto missing = optional_string(o, "absent", 1, 10);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto null_r = optional_string(o, "n", 1, 10);
  ASSERT_TRUE(null_r.ok());
  EXPECT_FALSE(null_r->has_value());
  auto present = optional_string(o, "x", 1, 10);
  ASSERT_TRUE(present.ok());
  EXPECT_EQ(present->value(), "v");
  EXPECT_FALSE(optional_string(o, "bad", 1, 10).ok());
  EXPECT_FALSE(optional_string(o, "x", 2, 10).ok());
}

TEST(required_int, reads_integers_in_range) {
  const object o = parsed(R"({"qty":3,"zero":0,"neg":-5})");
  EXPECT_EQ(required_int(o, "qty", 1, 10).value(), 3);
  EXPECT_EQ(required_int(o, "zero", 0, 0).value(), 0);
  EXPECT_EQ(required_int(o, "neg", -5, -1).value(), -5);
}

TEST(required_int, bounds_are_inclusive_and_named) {
  const object o = parsed(R"({"qty":11})");
  EXPECT_TRUE(required_int(o, "qty", 11, 11).ok());
  auto r = required_int(o, "qty", 1, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "qty");
  EXPECT_EQ(r.error().message, "must be between 1 and 10");
}

TEST(required_int, rejects_non_integers) {
  const object o = parsed(R"({"s":"5","d":5.0,"f":5.5,"b":true,"a":[5],"o":{"v":5}})");
  for (std::string_view field : {"s", "d", "f", "b", "a", "o"}) {
    auto r = required_int(o, field, 0, 100);
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.error().message, "must be an integer");
  }
}

TEST(required_int, missing_and_null_are_required_errors) {
  const object o = parsed(R"({"n":null})");
  EXPECT_EQ(required_int(o, "n", 0, 1).error().message, "is required");
  EXPECT_EQ(required_int(o, "absent", 0, 1).error().message, "is required");
}

TEST(required_int, handles_the_edges_of_int64) {
  const auto lo = std::numeric_limits<std::int64_t>::min();
  const auto hi = std::numeric_limits<std::int64_t>::max();
  const object o = parsed(R"({"max":9223372036854775807,"min":-9223372036854775808,)"
                          R"("over":9223372036854775808,"huge":18446744073709551615})");
  EXPECT_EQ(required_int(o, "max", lo, hi).value(), hi);
  EXPECT_EQ(required_int(o, "min", lo, hi).value(), lo);
  EXPECT_FALSE(required_int(o, "over", lo, hi).ok());
  EXPECT_FALSE(required_int(o, "huge", lo, hi).ok());
}

TEST(only_fields, rejects_unknown_fields_by_name) {
  const object o = parsed(R"({"email":"a@b.in","pasword":"x"})");
  auto r = only_fields(o, {"email", "password"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().field, "pasword");
  EXPECT_EQ(r.error().message, "is not a known field");
  EXPECT_TRUE(only_fields(o, {"email", "pasword", "name"}).ok());
  EXPECT_TRUE(only_fields(object{}, {}).ok());
}

}  // namespace
}  // namespace qm::json
