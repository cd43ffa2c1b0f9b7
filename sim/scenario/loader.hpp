#pragma once
// Loads a scenario file strictly: every field is checked for type and range, an unknown field
// is an error (a typo must not silently change a run), and every message names the file,
// the line and the field.

#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "sim/scenario/scenario.hpp"

namespace qm::sim {

struct load_error {
  std::string message;  // "scenarios/x.yaml:12: workload.clients: must be between 1 and 100000"
};

result<scenario, load_error> load_scenario_file(const std::string& path);
// For tests: parse text as if it came from file_name.
result<scenario, load_error> load_scenario_text(std::string_view text, const std::string& file_name);

}  // namespace qm::sim
