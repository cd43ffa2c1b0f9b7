// The listing query's parsing and the search pattern's escaping.

#include <gtest/gtest.h>

#include "services/product/domain/listing.hpp"

namespace qm::product {
namespace {

std::string bad_field(std::string_view query) {
  auto q = parse_listing_query(query);
  EXPECT_FALSE(q.ok()) << query;
  return q.ok() ? std::string() : q.error().field;
}

TEST(product_listing, defaults_when_nothing_is_given) {
  auto q = parse_listing_query("");
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->category_id.has_value());
  EXPECT_FALSE(q->search.has_value());
  EXPECT_EQ(q->limit, 20);
  EXPECT_EQ(q->offset, 0);
}

TEST(product_listing, reads_every_parameter_decoded) {
  auto q = parse_listing_query("category_id=7&q=Green%20Tea&limit=100&offset=40");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->category_id, 7);
  EXPECT_EQ(q->search, "Green Tea");
  EXPECT_EQ(q->limit, 100);
  EXPECT_EQ(q->offset, 40);
}

TEST(product_listing, an_empty_search_is_no_filter) {
  auto q = parse_listing_query("q=");
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(q->search.has_value());
}

TEST(product_listing, bad_values_name_their_parameter) {
  EXPECT_EQ(bad_field("limit=0"), "limit");
  EXPECT_EQ(bad_field("limit=101"), "limit");
  EXPECT_EQ(bad_field("limit=ten"), "limit");
  EXPECT_EQ(bad_field("limit="), "limit");
  EXPECT_EQ(bad_field("limit=+5"), "limit");
  EXPECT_EQ(bad_field("limit=99999999999999999999"), "limit");
  EXPECT_EQ(bad_field("offset=-1"), "offset");
  EXPECT_EQ(bad_field("offset=1.5"), "offset");
  EXPECT_EQ(bad_field("category_id=0"), "category_id");
  EXPECT_EQ(bad_field("category_id=abc"), "category_id");
  EXPECT_EQ(bad_field("q=" + std::string(max_search_bytes + 1, 'a')), "q");
}

TEST(product_listing, bounds_themselves_are_accepted) {
  EXPECT_TRUE(parse_listing_query("limit=1").ok());
  EXPECT_TRUE(parse_listing_query("limit=100").ok());
  EXPECT_TRUE(parse_listing_query("offset=0").ok());
  EXPECT_TRUE(parse_listing_query("offset=" + std::to_string(max_offset)).ok());
  EXPECT_FALSE(parse_listing_query("offset=" + std::to_string(max_offset + 1)).ok());
}

TEST(product_listing, ids_are_positive_decimal) {
  EXPECT_EQ(parse_id("42"), 42);
  EXPECT_FALSE(parse_id("0").has_value());
  EXPECT_FALSE(parse_id("-3").has_value());
  EXPECT_FALSE(parse_id("4x").has_value());
  EXPECT_FALSE(parse_id("").has_value());
}

TEST(product_listing, wildcards_and_the_escape_character_are_escaped) {
  EXPECT_EQ(contains_pattern("milk"), "%milk%");
  EXPECT_EQ(contains_pattern("50%_off"), "%50\\%\\_off%");
  EXPECT_EQ(contains_pattern("a\\b"), "%a\\\\b%");
}

}  // namespace
}  // namespace qm::product
