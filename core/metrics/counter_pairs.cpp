#include "core/metrics/counter_pairs.hpp"

#include "core/base/assert.hpp"

namespace qm::metrics {

counter_pairs::counter_pairs(registry& r, std::string name, std::string help, std::string first_label,
                             std::string second_label)
    : registry_(r),
      name_(std::move(name)),
      help_(std::move(help)),
      label_names_{std::move(first_label), std::move(second_label)} {}

counter& counter_pairs::at(std::string_view first, std::string_view second) {
  // The first value's length leads, so ("a", "bc") and ("ab", "c") key apart.
  const std::size_t first_size = first.size();
  key_.assign(reinterpret_cast<const char*>(&first_size), sizeof first_size);
  key_ += first;
  key_ += second;
  if (auto it = series_.find(key_); it != series_.end()) {
    return *it->second;
  }
  QM_ASSERT_MSG(series_.size() < max_cached_series, "unbounded label values");
  counter& c = registry_.get_counter(
      name_, help_, {{label_names_[0], std::string(first)}, {label_names_[1], std::string(second)}});
  series_.emplace(key_, &c);
  return c;
}

}  // namespace qm::metrics
