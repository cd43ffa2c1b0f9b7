#include "core/metrics/counter_pairs.hpp"

#include "core/base/assert.hpp"

namespace qm::metrics {

counter_pairs::counter_pairs(registry& r, std::string name, std::string help, std::string first_label,
                             std::string second_label)
    : registry_(r),
      name_(std::move(name)),
      help_(std::move(help)),
      label_names_{std::move(first_label), std::move(second_label)} {}

counter_pairs::counter_pairs(registry& r, std::string name, std::string help, std::string label)
    : registry_(r),
      name_(std::move(name)),
      help_(std::move(help)),
      label_names_{std::move(label), std::string()} {}

counter& counter_pairs::at(std::string_view value) {
  QM_ASSERT_MSG(label_names_[1].empty(), "a two-label family takes two values");
  return at(value, {});
}

counter& counter_pairs::at(std::string_view first, std::string_view second) {
  QM_ASSERT_MSG(!label_names_[1].empty() || second.empty(), "a one-label family takes one value");
  // The first value's length leads, so ("a", "bc") and ("ab", "c") key apart.
  const std::size_t first_size = first.size();
  key_.assign(reinterpret_cast<const char*>(&first_size), sizeof first_size);
  key_ += first;
  key_ += second;
  if (auto it = series_.find(key_); it != series_.end()) {
    return *it->second;
  }
  QM_ASSERT_MSG(series_.size() < max_cached_series, "unbounded label values");
  labels l{{label_names_[0], std::string(first)}};
  if (!label_names_[1].empty()) {
    l.emplace_back(label_names_[1], std::string(second));
  }
  counter& c = registry_.get_counter(name_, help_, l);
  series_.emplace(key_, &c);
  return c;
}

}  // namespace qm::metrics
