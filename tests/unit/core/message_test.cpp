// The HTTP message model: case-insensitive headers, target parsing, query parameters,
// method names and the one error shape every service answers with.

#include "core/http/message.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "core/json/json.hpp"

namespace qm::http {
namespace {

TEST(headers, names_compare_case_insensitively) {
  headers h;
  h.set("Content-Type", "application/json");
  EXPECT_EQ(h.get("content-type"), "application/json");
  EXPECT_EQ(h.get("CONTENT-TYPE"), "application/json");
  EXPECT_TRUE(h.contains("cOnTeNt-TyPe"));
  EXPECT_FALSE(h.get("Content-Length").has_value());
}

TEST(headers, set_replaces_every_field_of_that_name) {
  headers h;
  h.add("X-Tag", "a");
  h.add("x-tag", "b");
  h.add("Other", "o");
  EXPECT_EQ(h.size(), 3u);
  EXPECT_EQ(h.get("X-TAG"), "a");  // the first one wins on get
  h.set("X-Tag", "c");
  EXPECT_EQ(h.size(), 2u);
  EXPECT_EQ(h.get("x-tag"), "c");
  EXPECT_EQ(h.get("other"), "o");
}

TEST(headers, remove_drops_every_case_variant) {
  headers h;
  h.add("Authorization", "Bearer a");
  h.add("AUTHORIZATION", "Bearer b");
  h.add("Host", "x");
  h.remove("authorization");
  EXPECT_FALSE(h.contains("Authorization"));
  EXPECT_EQ(h.size(), 1u);
  h.remove("not-there");
  EXPECT_EQ(h.size(), 1u);
}

TEST(headers, keep_the_order_they_were_added_in) {
  headers h;
  h.add("B", "2");
  h.add("A", "1");
  h.add("C", "3");
  ASSERT_EQ(h.fields().size(), 3u);
  EXPECT_EQ(h.fields()[0].first, "B");
  EXPECT_EQ(h.fields()[1].first, "A");
  EXPECT_EQ(h.fields()[2].first, "C");
}

TEST(headers, iequals_is_exact_apart_from_case) {
  EXPECT_TRUE(iequals("X-Request-Id", "x-request-id"));
  EXPECT_FALSE(iequals("X-Request-Id", "x-request-i"));
  EXPECT_FALSE(iequals("X-Request-Id", "x_request_id"));
  EXPECT_TRUE(iequals("", ""));
}

// The byte-at-a-time definition iequals must agree with: A-Z and a-z are one letter each,
// every other byte (the neighbours of the letters, DEL, non-ASCII) only equals itself.
bool folded_equal(std::string_view a, std::string_view b) {
  const auto fold = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c | 0x20 : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [&](unsigned char x, unsigned char y) { return fold(x) == fold(y); });
}

TEST(headers, iequals_folds_letters_alone_for_every_byte_at_every_position) {
  // Every pair of bytes, placed in names of every length up to three words, at each position
  // (the word comparison's halves, whole words and overlapping last word all get a turn).
  for (std::size_t length = 1; length <= 24; ++length) {
    for (std::size_t at = 0; at < length; ++at) {
      for (int x = 0; x < 256; ++x) {
        for (int y = 0; y < 256; y += (length > 9 ? 5 : 1)) {
          std::string a(length, 'k');
          std::string b(length, 'K');
          a[at] = static_cast<char>(x);
          b[at] = static_cast<char>(y);
          ASSERT_EQ(iequals(a, b), folded_equal(a, b)) << length << " " << at << " " << x << " " << y;
        }
      }
    }
  }
}

TEST(request, splits_target_into_path_and_query) {
  request r;
  r.target = "/products?limit=10&q=milk";
  EXPECT_EQ(r.path(), "/products");
  EXPECT_EQ(r.query(), "limit=10&q=milk");
  r.target = "/products";
  EXPECT_EQ(r.path(), "/products");
  EXPECT_EQ(r.query(), "");
  r.target = "/p?";
  EXPECT_EQ(r.path(), "/p");
  EXPECT_EQ(r.query(), "");
}

TEST(query_param, finds_the_first_occurrence) {
  EXPECT_EQ(query_param("a=1&b=2&a=3", "a"), "1");
  EXPECT_EQ(query_param("a=1&b=2&a=3", "b"), "2");
  EXPECT_FALSE(query_param("a=1&b=2", "c").has_value());
  EXPECT_FALSE(query_param("", "a").has_value());
}

TEST(query_param, a_key_without_value_is_present_and_empty) {
  EXPECT_EQ(query_param("flag&x=1", "flag"), "");
  EXPECT_EQ(query_param("x=", "x"), "");
}

TEST(query_param, percent_decodes_values_and_keys) {
  EXPECT_EQ(query_param("q=fresh%20milk", "q"), "fresh milk");
  EXPECT_EQ(query_param("q=fresh+milk", "q"), "fresh milk");
  EXPECT_EQ(query_param("q=a%2Bb%3Dc%26d", "q"), "a+b=c&d");
  EXPECT_EQ(query_param("q=%e0%a4%a6%e0%a5%82%e0%a4%a7", "q"), "\xe0\xa4\xa6\xe0\xa5\x82\xe0\xa4\xa7");
  EXPECT_EQ(query_param("sort%5Fby=price", "sort_by"), "price");
  EXPECT_EQ(query_param("q=%41", "q"), "A");  // an escape that ends the string
}

TEST(query_param, malformed_escapes_stay_literal) {
  EXPECT_EQ(query_param("q=100%", "q"), "100%");
  EXPECT_EQ(query_param("q=%zz", "q"), "%zz");
  EXPECT_EQ(query_param("q=%4", "q"), "%4");
  EXPECT_EQ(query_param("q=%%41", "q"), "%A");
}

TEST(method, names_round_trip) {
  for (method m : {method::get, method::head, method::post, method::put, method::patch,
                   method::del, method::options}) {
    EXPECT_EQ(method_from_string(to_string(m)), m);
  }
  EXPECT_EQ(method_from_string("get"), method::unknown);  // methods are case-sensitive
  EXPECT_EQ(method_from_string("BREW"), method::unknown);
  EXPECT_EQ(to_string(method::del), "DELETE");
}

TEST(method, idempotence) {
  EXPECT_TRUE(is_idempotent(method::get));
  EXPECT_TRUE(is_idempotent(method::put));
  EXPECT_TRUE(is_idempotent(method::del));
  EXPECT_FALSE(is_idempotent(method::post));
  EXPECT_FALSE(is_idempotent(method::patch));
}

TEST(response, reason_phrases) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(404), "Not Found");
  EXPECT_EQ(reason_phrase(503), "Service Unavailable");
  EXPECT_EQ(reason_phrase(299), "Unknown");
}

TEST(response, error_response_has_the_one_error_shape) {
  const response r = error_response(409, "duplicate", "email \"a\" is taken", "req-1");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.headers.get("content-type"), "application/json");
  auto body = json::parse_object(r.body);
  ASSERT_TRUE(body.ok()) << r.body;
  const auto& err = body->at("error").as_object();
  EXPECT_EQ(err.at("code").as_string(), "duplicate");
  EXPECT_EQ(err.at("message").as_string(), "email \"a\" is taken");
  EXPECT_EQ(err.at("request_id").as_string(), "req-1");
}

}  // namespace
}  // namespace qm::http
