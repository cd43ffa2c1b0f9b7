#pragma once
// Translates the scenario's network vocabulary into the cluster's link configuration.

#include "sim/cluster/cluster.hpp"
#include "sim/scenario/scenario.hpp"

namespace qm::sim {

latency_model to_latency_model(const latency_spec& l);
link_config to_link_config(const network_spec& n);

}  // namespace qm::sim
