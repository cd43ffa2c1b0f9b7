#include "sim/scenario/network_config.hpp"

#include "core/base/assert.hpp"

namespace qm::sim {

latency_model to_latency_model(const latency_spec& l) {
  latency_model m;
  if (l.kind == "constant") {
    m.type = latency_model::kind::constant;
  } else if (l.kind == "uniform") {
    m.type = latency_model::kind::uniform;
  } else if (l.kind == "normal") {
    m.type = latency_model::kind::normal;
  } else {
    QM_ASSERT_MSG(l.kind == "exponential", "the loader admits only known latency kinds");
    m.type = latency_model::kind::exponential;
  }
  m.a = l.a;
  m.b = l.b;
  return m;
}

link_config to_link_config(const network_spec& n) {
  link_config c;
  c.latency = to_latency_model(n.latency);
  c.drop_rate = n.drop_rate;
  return c;
}

}  // namespace qm::sim
