#pragma once
// What every delivery handler shares; owned by the service, which outlives its routes.

#include "runtime/runtime.hpp"
#include "services/delivery/domain/settings.hpp"
#include "services/delivery/store.hpp"
#include "services/delivery/upstreams.hpp"

namespace qm::delivery {

struct delivery_context {
  rt::runtime& rt;
  delivery_settings settings;
  delivery_store store;
  delivery::upstreams calls;
};

}  // namespace qm::delivery
