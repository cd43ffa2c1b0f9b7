// W3C traceparent parsing and formatting, span opening, request ids.

#include <gtest/gtest.h>

#include <cstdio>

#include "core/observe/request_scope.hpp"
#include "core/observe/trace_context.hpp"

namespace qm::observe {
namespace {

constexpr std::string_view spec_example = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(traceparent, parses_the_specs_example) {
  const auto p = parse_traceparent(spec_example);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(std::string_view(p->trace_id.data(), 32), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(std::string_view(p->parent_id.data(), 16), "00f067aa0ba902b7");
  EXPECT_EQ(p->flags, 1);
}

TEST(traceparent, refuses_what_the_spec_refuses) {
  for (const std::string_view bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",      // short
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",   // v00 with more
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",     // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",     // zero trace
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",     // zero parent
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",     // version ff
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",     // separator
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",     // not hex
           "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",     // version not hex
           "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",    // later version, no dash
       }) {
    EXPECT_FALSE(parse_traceparent(bad).has_value()) << bad;
  }
}

TEST(traceparent, reads_a_later_version_by_its_first_fields) {
  EXPECT_TRUE(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").has_value());
  EXPECT_TRUE(parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-holds")
                  .has_value());
}

TEST(span, a_child_keeps_the_trace_and_names_the_callers_span_as_parent) {
  const auto parent = parse_traceparent(spec_example);
  const span s = open_span(parent, 0xabc, 1, 2);
  EXPECT_EQ(s.trace_id_view(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(s.parent_id_view(), "00f067aa0ba902b7");
  EXPECT_EQ(s.span_id_view(), "0000000000000abc");
  EXPECT_TRUE(s.has_parent());
  EXPECT_EQ(s.child_traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000abc-01");
  // The onward traceparent parses, and a span opened from it is a grandchild.
  const auto onward = parse_traceparent(s.child_traceparent());
  ASSERT_TRUE(onward.has_value());
  const span grandchild = open_span(onward, 0xdef, 0, 0);
  EXPECT_EQ(grandchild.trace_id_view(), s.trace_id_view());
  EXPECT_EQ(grandchild.parent_id_view(), s.span_id_view());
}

TEST(span, without_a_parent_it_starts_a_new_sampled_trace) {
  const span s = open_span(std::nullopt, 7, 0x1122334455667788, 0x99aabbccddeeff00);
  EXPECT_EQ(s.trace_id_view(), "112233445566778899aabbccddeeff00");
  EXPECT_FALSE(s.has_parent());
  EXPECT_EQ(s.flags, 1);
  // Zero random values still give valid (non-zero) ids.
  const span z = open_span(std::nullopt, 0, 0, 0);
  EXPECT_TRUE(parse_traceparent(z.child_traceparent()).has_value()) << z.child_traceparent();
}

TEST(span, unknown_flags_are_not_passed_on) {
  const auto parent = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff");
  ASSERT_TRUE(parent.has_value());
  EXPECT_EQ(open_span(parent, 1, 0, 0).flags, 1);
  const auto unsampled = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  EXPECT_EQ(open_span(unsampled, 1, 0, 0).flags, 0);
}

TEST(span, the_span_a_traceparent_names_gives_the_same_traceparent_back) {
  // What the order's outbox stores for a message and rebuilds when it delivers it later.
  const span writer = open_span(parse_traceparent(spec_example), 0x1234, 0, 0);
  const std::string stored = writer.child_traceparent();
  const auto parsed = parse_traceparent(stored);
  ASSERT_TRUE(parsed.has_value());
  const span named = span_named_by(*parsed);
  EXPECT_EQ(named.child_traceparent(), stored);
  EXPECT_EQ(named.trace_id_view(), writer.trace_id_view());
  EXPECT_EQ(named.span_id_view(), writer.span_id_view());
  EXPECT_FALSE(named.has_parent());
  // A call made in it is a child of the writer's span.
  const span callee = open_span(parse_traceparent(named.child_traceparent()), 0x99, 0, 0);
  EXPECT_EQ(callee.parent_id_view(), writer.span_id_view());
  // Unsampled stays unsampled; unknown flags are not passed on.
  const auto unsampled = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(unsampled.has_value());
  EXPECT_EQ(span_named_by(*unsampled).child_traceparent(),
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  const auto odd = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(span_named_by(*odd).flags, 1);
}

TEST(request_id, well_formed_ids_are_short_and_plain) {
  EXPECT_TRUE(is_well_formed_request_id("abc-123_x.y:z"));
  EXPECT_TRUE(is_well_formed_request_id(std::string(128, 'a')));
  EXPECT_FALSE(is_well_formed_request_id(std::string(129, 'a')));
  EXPECT_FALSE(is_well_formed_request_id(""));
  EXPECT_FALSE(is_well_formed_request_id("has space"));
  EXPECT_FALSE(is_well_formed_request_id("quote\""));
  EXPECT_FALSE(is_well_formed_request_id("line\r\nbreak"));
  const std::string fresh = new_request_id(1, 2);
  EXPECT_EQ(fresh, "00000000000000010000000000000002");
  EXPECT_TRUE(is_well_formed_request_id(fresh));
}

TEST(request_id, exactly_letters_digits_and_four_marks_are_allowed) {
  for (int c = 0; c < 256; ++c) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == ':' || c == '-';
    const std::string id = "id" + std::string(1, static_cast<char>(c)) + "x";
    EXPECT_EQ(is_well_formed_request_id(id), plain) << c;
  }
}

TEST(traceparent, every_id_character_must_be_lower_hex) {
  const std::string good(spec_example);
  for (int c = 0; c < 256; ++c) {
    const bool lower_hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    // Every position of every field: ids are checked eight characters at a time.
    for (std::size_t at = 0; at < good.size(); ++at) {
      if (good[at] == '-') {
        continue;
      }
      std::string value = good;
      value[at] = static_cast<char>(c);
      EXPECT_EQ(parse_traceparent(value).has_value(), lower_hex) << at << " " << c;
    }
  }
  EXPECT_FALSE(parse_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01").has_value());
  EXPECT_FALSE(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01").has_value());
}

TEST(hex_ids, written_as_printf_writes_them_and_recognised_whole) {
  std::uint64_t v = 0x0123456789abcdefULL;
  for (int i = 0; i < 200; ++i) {
    char expected[17];
    std::snprintf(expected, sizeof expected, "%016llx", static_cast<unsigned long long>(v));
    char out[16];
    write_hex16(v, out);
    EXPECT_EQ(std::string_view(out, 16), std::string_view(expected, 16));
    EXPECT_TRUE(is_lower_hex_id(std::string_view(out, 16)));
    v = v * 6364136223846793005ULL + 1442695040888963407ULL;
  }
  char edge[16];
  write_hex16(0, edge);
  EXPECT_EQ(std::string_view(edge, 16), "0000000000000000");
  write_hex16(~std::uint64_t{0}, edge);
  EXPECT_EQ(std::string_view(edge, 16), "ffffffffffffffff");
}

TEST(hex_ids, any_other_character_anywhere_is_refused) {
  const std::string good = "0123456789abcdef0123456789abcdef";
  EXPECT_TRUE(is_lower_hex_id(good));
  EXPECT_FALSE(is_lower_hex_id(good.substr(0, 31)));
  for (int c = 0; c < 256; ++c) {
    const bool lower_hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    for (std::size_t at = 0; at < good.size(); ++at) {
      std::string id = good;
      id[at] = static_cast<char>(c);
      EXPECT_EQ(is_lower_hex_id(id), lower_hex) << at << " " << c;
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                         c == '.' || c == '_' || c == ':' || c == '-';
      EXPECT_EQ(is_well_formed_request_id(id), plain) << at << " " << c;
    }
  }
}

}  // namespace
}  // namespace qm::observe
