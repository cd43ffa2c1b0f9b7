#pragma once
// A counter family with two labels (or one) whose series are picked per event (the gateway
// counts every forwarded request by upstream and outcome, the cart every operation by op and
// outcome). registry::get_counter builds a label set and
// searches the family under the registry's mutex; this resolves each pair of values once and
// keeps the series, the handle prometheus-cpp users keep. The counts land in the very series
// get_counter would return, so the exposition is unchanged.
//
// Not thread-safe: one per event loop, like the request observer's caches.

#include <array>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/base/text_hash.hpp"
#include "core/metrics/registry.hpp"

namespace qm::metrics {

class counter_pairs {
 public:
  // Values must come from bounded sets (asserted at max_cached_series distinct pairs).
  static constexpr std::size_t max_cached_series = 4096;

  counter_pairs(registry& r, std::string name, std::string help, std::string first_label,
                std::string second_label);
  // A family with one label: at(value) picks its series.
  counter_pairs(registry& r, std::string name, std::string help, std::string label);

  counter& at(std::string_view first, std::string_view second);
  counter& at(std::string_view value);

 private:
  registry& registry_;
  std::string name_;
  std::string help_;
  std::array<std::string, 2> label_names_;
  std::string key_;  // scratch: the pair as one string
  std::unordered_map<std::string, counter*, text_hash, std::equal_to<>> series_;
};

}  // namespace qm::metrics
