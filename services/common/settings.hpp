#pragma once
// Reading a service's settings (rt::settings: scenario keys in the simulator, flags and
// environment in production) the same way everywhere: a missing key takes its default, a
// present one must parse completely and fall in range, and the error names the key.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/result.hpp"
#include "runtime/runtime.hpp"

namespace qm::services {

// The integer at key, default_value when absent; an error unless it lies in [min, max].
result<std::int64_t, std::string> int_setting(const rt::settings& config, std::string_view key,
                                              std::int64_t default_value, std::int64_t min,
                                              std::int64_t max);

// The context secret shared with the gateway ("context_secret"): required, and refused while
// it is still a template's placeholder.
result<std::string, std::string> context_secret_setting(const rt::settings& config);

}  // namespace qm::services
