#pragma once
// A node's settings in the simulator: the same ordered map production uses, filled in by the
// scenario.

#include "runtime/map_settings.hpp"

namespace qm::sim {

using sim_settings = rt::map_settings;

}  // namespace qm::sim
