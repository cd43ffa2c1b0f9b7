// The listing cache's bookkeeping: pages by query, the newer version kept, and its bound.

#include <gtest/gtest.h>

#include <string>

#include "services/product/listing_cache.hpp"

namespace qm::product {
namespace {

listing_query page_at(std::int64_t offset, std::optional<std::int64_t> category = std::nullopt) {
  listing_query q;
  q.offset = offset;
  q.category_id = category;
  return q;
}

TEST(listing_cache, keeps_a_page_per_query) {
  listing_cache cache;
  EXPECT_FALSE(cache.find(page_at(0)).has_value());
  cache.keep(page_at(0), 3, "first");
  cache.keep(page_at(0, 7), 3, "dairy");
  listing_query search = page_at(0);
  search.search = "milk";
  cache.keep(search, 3, "milk");
  ASSERT_TRUE(cache.find(page_at(0)).has_value());
  EXPECT_EQ(*cache.find(page_at(0))->body, "first");
  EXPECT_EQ(cache.find(page_at(0))->catalogue_version, 3);
  EXPECT_EQ(*cache.find(page_at(0, 7))->body, "dairy");
  EXPECT_EQ(*cache.find(search)->body, "milk");
  EXPECT_FALSE(cache.find(page_at(20)).has_value());
  listing_query wider = page_at(0);
  wider.limit = 50;
  EXPECT_FALSE(cache.find(wider).has_value());
}

TEST(listing_cache, the_newer_version_of_a_page_stays) {
  listing_cache cache;
  cache.keep(page_at(0), 4, "v4");
  const auto held = cache.find(page_at(0));
  cache.keep(page_at(0), 3, "v3 arriving late");
  EXPECT_EQ(*cache.find(page_at(0))->body, "v4");
  cache.keep(page_at(0), 5, "v5");
  EXPECT_EQ(*cache.find(page_at(0))->body, "v5");
  // A request holding the page it found keeps it intact.
  EXPECT_EQ(*held->body, "v4");
}

TEST(listing_cache, a_full_cache_drops_passed_versions_first_then_everything) {
  listing_cache cache;
  for (std::size_t i = 0; i < listing_cache::max_entries; ++i) {
    cache.keep(page_at(static_cast<std::int64_t>(i)), i % 2 == 0 ? 1 : 2, "p");
  }
  EXPECT_EQ(cache.size(), listing_cache::max_entries);
  cache.keep(page_at(-1), 2, "new");  // the version-1 half goes
  EXPECT_EQ(cache.size(), listing_cache::max_entries / 2 + 1);
  EXPECT_FALSE(cache.find(page_at(0)).has_value());
  EXPECT_TRUE(cache.find(page_at(1)).has_value());
  for (std::int64_t i = 0; cache.size() < listing_cache::max_entries; ++i) {
    cache.keep(page_at(1000 + i), 2, "p");
  }
  cache.keep(page_at(-2), 2, "newest");  // all current: everything goes but the newcomer
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(*cache.find(page_at(-2))->body, "newest");
}

}  // namespace
}  // namespace qm::product
