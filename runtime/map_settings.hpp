#pragma once
// Settings held in a plain ordered map: filled from a scenario in the simulator and from the
// resolved configuration (environment and flags) in production.

#include <map>
#include <string>
#include <string_view>

#include "runtime/runtime.hpp"

namespace qm::rt {

class map_settings final : public rt::settings {
 public:
  map_settings() = default;
  explicit map_settings(const std::map<std::string, std::string>& values)
      : values_(values.begin(), values.end()) {}

  std::string get(std::string_view key) const override {
    auto it = values_.find(key);
    return it == values_.end() ? std::string() : it->second;
  }
  void set(std::string key, std::string value) { values_.insert_or_assign(std::move(key), std::move(value)); }
  const std::map<std::string, std::string, std::less<>>& values() const { return values_; }

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace qm::rt
