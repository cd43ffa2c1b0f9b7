#include "services/product/listing_cache.hpp"

#include <utility>

namespace qm::product {

listing_cache::key listing_cache::key_of(const listing_query& q) {
  return key{q.category_id, q.search, q.limit, q.offset};
}

std::optional<listing_cache::page> listing_cache::find(const listing_query& q) const {
  const auto it = pages_.find(key_of(q));
  if (it == pages_.end()) {
    return std::nullopt;
  }
  return it->second;
}

void listing_cache::keep(const listing_query& q, std::int64_t catalogue_version,
                         std::string body) {
  key k = key_of(q);
  auto it = pages_.find(k);
  if (it != pages_.end()) {
    // Two requests can read the same page at different versions; the newer one stays.
    if (it->second.catalogue_version <= catalogue_version) {
      it->second = page{catalogue_version,
                        std::make_shared<const std::string>(std::move(body))};
    }
    return;
  }
  if (pages_.size() >= max_entries) {
    std::erase_if(pages_, [catalogue_version](const auto& entry) {
      return entry.second.catalogue_version < catalogue_version;
    });
    if (pages_.size() >= max_entries) {
      pages_.clear();
    }
  }
  pages_.emplace(std::move(k),
                 page{catalogue_version, std::make_shared<const std::string>(std::move(body))});
}

}  // namespace qm::product
