#pragma once
// Rendered pages of the public product listing, each kept with the catalogue version it was
// read at (product_db migration 4). A page is served again only after the database confirms
// that version is still current, in the same transaction that would otherwise read the page:
// a point read instead of a scan, and no rendering. Every write that changes what the listing
// shows raises the version, so a page from before it is never served after it, whichever
// replica made the change.
//
// Bounded: at most max_entries pages. A page whose version has passed is useless, so an insert
// into a full cache first drops those; if all are current, it drops everything (distinct
// queries past the bound are searches, which gain little from a cache anyway).

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "services/product/domain/listing.hpp"

namespace qm::product {

class listing_cache {
 public:
  static constexpr std::size_t max_entries = 256;

  struct page {
    std::int64_t catalogue_version;
    // Shared: a request holds its page across the await that confirms the version, while
    // other requests may replace the entry.
    std::shared_ptr<const std::string> body;
  };

  // The page kept for q, if any.
  std::optional<page> find(const listing_query& q) const;
  // Keeps body as q's page at catalogue_version (replacing an older one).
  void keep(const listing_query& q, std::int64_t catalogue_version, std::string body);
  std::size_t size() const { return pages_.size(); }

 private:
  struct key {
    std::optional<std::int64_t> category_id;
    std::optional<std::string> search;
    std::int64_t limit;
    std::int64_t offset;
    auto operator<=>(const key&) const = default;
  };
  static key key_of(const listing_query& q);

  std::map<key, page> pages_;
};

}  // namespace qm::product
