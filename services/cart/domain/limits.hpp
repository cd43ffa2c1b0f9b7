#pragma once
// The bounds of a cart, in one place for the parser, the store and the pricing: a line holds
// 1..50 units, a cart at most 100 lines (so one product batch call of at most 100 ids prices
// any cart).

#include <cstddef>
#include <cstdint>

namespace qm::cart {

inline constexpr std::int64_t min_line_quantity = 1;
inline constexpr std::int64_t max_line_quantity = 50;
inline constexpr std::size_t max_lines = 100;
// Ids are below 2^53 so JSON clients keep them exact.
inline constexpr std::int64_t max_id = (std::int64_t{1} << 53) - 1;

}  // namespace qm::cart
