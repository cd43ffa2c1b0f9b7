// The streaming writer: the exact text of each kind of value, compared with what
// boost::json::serialize gives, and an assertion failure for every misuse.

#include "core/json/writer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "core/json/json.hpp"

namespace qm::json {
namespace {

std::string written_string(std::string_view s) {
  writer w;
  w.value(s);
  return w.finish();
}

std::string serialized(const value& v) { return serialize(v); }

TEST(json_writer, escapes_every_control_character_as_boost_does) {
  for (int c = 0; c < 0x20; ++c) {
    const std::string s(1, static_cast<char>(c));
    EXPECT_EQ(written_string(s), serialized(value(s))) << "byte " << c;
  }
  EXPECT_EQ(written_string("\b\t\n\f\r"), R"("\b\t\n\f\r")");
  EXPECT_EQ(written_string(std::string_view("\0\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(written_string("\x0b\x1a"), R"("\u000b\u001a")");
}

TEST(json_writer, escapes_quote_and_backslash_only) {
  EXPECT_EQ(written_string(R"(say "hi" \ /)"), R"("say \"hi\" \\ /")");
  EXPECT_EQ(written_string("\x7f"), "\"\x7f\"");  // DEL passes through
}

TEST(json_writer, passes_utf8_through) {
  // "déjà नमस्ते 🛒": two-, three- and four-byte sequences.
  const std::string s =
      "d\xC3\xA9j\xC3\xA0 \xE0\xA4\xA8\xE0\xA4\xAE\xE0\xA4\xB8\xE0\xA5\x8D\xE0\xA4\xA4\xE0\xA5\x87 "
      "\xF0\x9F\x9B\x92";
  EXPECT_EQ(written_string(s), "\"" + s + "\"");
  EXPECT_EQ(written_string(s), serialized(value(s)));
}

TEST(json_writer, writes_every_byte_as_serialize_does) {
  std::string all;
  for (int c = 0; c < 256; ++c) {
    all.push_back(static_cast<char>(c));
  }
  EXPECT_EQ(written_string(all), serialized(value(all)));
}

TEST(json_writer, escapes_keys_too) {
  writer w;
  w.begin_object().member("a\"b\n", 1).end_object();
  object o;
  o["a\"b\n"] = 1;
  EXPECT_EQ(w.finish(), serialize(o));
}

TEST(json_writer, writes_empty_containers) {
  writer a;
  a.begin_object().end_object();
  EXPECT_EQ(a.finish(), "{}");
  writer b;
  b.begin_array().end_array();
  EXPECT_EQ(b.finish(), "[]");
  writer c;
  c.begin_object().key("o").begin_object().end_object();
  c.key("a").begin_array().end_array().end_object();
  EXPECT_EQ(c.finish(), R"({"o":{},"a":[]})");
}

TEST(json_writer, nests_with_commas_in_the_right_places) {
  writer w;
  w.begin_object()
      .member("id", 7)
      .key("items")
      .begin_array()
      .begin_object()
      .member("name", "x")
      .member("ok", true)
      .end_object()
      .value(2)
      .begin_array()
      .value(nullptr)
      .value(false)
      .end_array()
      .end_array()
      .member("last", "")
      .end_object();
  const array items{object{{"name", "x"}, {"ok", true}}, 2, array{nullptr, false}};
  const value expected = {{"id", 7}, {"items", items}, {"last", ""}};
  EXPECT_EQ(w.finish(), serialize(expected));
}

TEST(json_writer, writes_integers_as_serialize_does) {
  const auto min = std::numeric_limits<std::int64_t>::min();
  const auto max = std::numeric_limits<std::int64_t>::max();
  const auto umax = std::numeric_limits<std::uint64_t>::max();
  writer w;
  w.begin_array().value(min).value(max).value(0).value(-1).value(umax);
  w.value(std::int32_t{-5}).end_array();
  EXPECT_EQ(w.finish(), serialize(value(array{min, max, 0, -1, umax, -5})));
}

TEST(json_writer, writes_doubles_as_serialize_does) {
  const double values[] = {0.0,
                           -0.0,
                           1.0,
                           0.1,
                           12.9715987,
                           77.594566,
                           -1e-300,
                           1e300,
                           123456789012345680.0,
                           std::numeric_limits<double>::min(),
                           std::numeric_limits<double>::max(),
                           std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           std::nan("")};
  for (const double d : values) {
    writer w;
    w.value(d);
    EXPECT_EQ(w.finish(), serialize(value(d))) << d;
  }
}

TEST(json_writer, writes_an_optional_as_its_value_or_null) {
  writer w;
  w.begin_array().value(std::optional<std::int64_t>{4});
  w.value(std::optional<std::int64_t>{}).end_array();
  EXPECT_EQ(w.finish(), "[4,null]");
}

TEST(json_writer, finish_leaves_the_writer_empty_for_the_next_document) {
  writer w;
  w.value(1);
  EXPECT_EQ(w.finish(), "1");
  w.value("again");
  EXPECT_EQ(w.finish(), R"("again")");
}

TEST(json_writer_death, refuses_a_value_where_a_key_is_due) {
  EXPECT_DEATH(
      {
        writer w;
        w.begin_object().value(1);
      },
      "needs a key first");
}

TEST(json_writer_death, refuses_a_key_outside_an_object) {
  EXPECT_DEATH(
      {
        writer w;
        w.begin_array().key("k");
      },
      "a JSON key belongs in an object");
  EXPECT_DEATH(
      {
        writer w;
        w.key("k");
      },
      "a JSON key belongs in an object");
}

TEST(json_writer_death, refuses_two_keys_in_a_row) {
  EXPECT_DEATH(
      {
        writer w;
        w.begin_object().key("a").key("b");
      },
      "needs a value before the next key");
}

TEST(json_writer_death, refuses_an_end_that_does_not_match) {
  EXPECT_DEATH(
      {
        writer w;
        w.begin_object().end_array();
      },
      "must match the innermost");
  EXPECT_DEATH(
      {
        writer w;
        w.end_object();
      },
      "must match the innermost");
  EXPECT_DEATH(
      {
        writer w;
        w.begin_object().key("a").end_object();
      },
      "needs a value before the object ends");
}

TEST(json_writer_death, refuses_to_finish_an_incomplete_or_second_document) {
  EXPECT_DEATH(
      {
        writer w;
        w.begin_array().value(1);
        w.finish();
      },
      "must be complete");
  EXPECT_DEATH(
      {
        writer w;
        w.finish();
      },
      "must be complete");
  EXPECT_DEATH(
      {
        writer w;
        w.value(1).value(2);
      },
      "one top-level value");
}

}  // namespace
}  // namespace qm::json
