#pragma once
// A hash for std::unordered_map<std::string, ...> that lets find() and contains() take a
// std::string_view without building a std::string (with std::equal_to<> as the key equality).

#include <cstddef>
#include <functional>
#include <string_view>

namespace qm {

struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace qm
