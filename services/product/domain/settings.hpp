#pragma once
// The product service's settings, read once at start.

#include <string>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "runtime/runtime.hpp"

namespace qm::product {

struct product_settings {
  duration db_timeout = ms(2000);  // deadline of each database transaction
};

result<product_settings, std::string> read_settings(const rt::settings& config);

}  // namespace qm::product
