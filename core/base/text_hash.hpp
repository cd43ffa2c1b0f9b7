#pragma once
// A transparent hash for unordered containers keyed by std::string, so they can be searched
// with a std::string_view without building a string first. Pair it with std::equal_to<>.

#include <cstddef>
#include <functional>
#include <string_view>

namespace qm {

struct text_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

}  // namespace qm
