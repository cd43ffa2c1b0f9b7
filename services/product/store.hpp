#pragma once
// Every SQL statement of the product service, run through rt::storage with $n parameters
// and a timeout. Database failures come back as sql::error for the handler to map
// (transient errors become 503).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/storage.hpp"
#include "services/product/domain/listing.hpp"

namespace qm::product {

template <typename T>
using db_result = result<T, sql::error>;

struct category {
  std::int64_t id = 0;
  std::string name;
};

struct product {
  std::int64_t id = 0;
  std::int64_t category_id = 0;
  std::string name;
  std::string description;
  std::int64_t price_paise = 0;
};

struct product_detail {
  product item;
  std::int64_t available = 0;  // units in stock; 0 when the product has no stock row
};

// The category list is small by nature; the bound keeps a runaway table from becoming a
// runaway response.
inline constexpr std::int64_t max_categories = 1000;

class product_store {
 public:
  product_store(rt::storage& db, duration timeout) : db_(db), timeout_(timeout) {}

  // Categories by name, at most max_categories.
  task<db_result<std::vector<category>>> list_categories();
  // One page of active products matching q, ordered by id.
  task<db_result<std::vector<product>>> list_products(listing_query q);
  // The product with its stock when it exists and is active.
  task<db_result<std::optional<product_detail>>> find_active(std::int64_t id);

 private:
  rt::storage& db_;
  duration timeout_;
};

}  // namespace qm::product
