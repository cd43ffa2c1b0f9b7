#pragma once
// The read behind the batch lookup and a reservation's stock check, shared by store.cpp and
// reservation_store.cpp.

#include <cstdint>
#include <vector>

#include "core/sql/sql.hpp"
#include "services/product/store.hpp"

namespace qm::product {

// The products among ids (active or not) with their stock, in ascending id order, each once.
// ids may repeat and come in any order; at most max_batch_ids distinct ones.
std::vector<product_summary> read_summaries(sql::transaction& tx, std::vector<std::int64_t> ids);

}  // namespace qm::product
