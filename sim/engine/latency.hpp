#pragma once
// Link behaviour: how long a message takes and how often it is lost.

#include <string>

#include "core/base/time.hpp"
#include "sim/engine/prng.hpp"

namespace qm::sim {

// Meaning of a and b per kind: constant(a), uniform(a = min, b = max), normal(a = mean,
// b = stddev, clamped at 0), exponential(a = mean).
struct latency_model {
  enum class kind { constant, uniform, normal, exponential } type = kind::constant;
  duration a{1000};
  duration b{0};
};

struct link_config {
  latency_model latency;
  double drop_rate = 0;
};

std::string_view to_string(latency_model::kind k);

// Draws one latency (never negative). Each kind uses a fixed number of draws from r, so a
// stream's sequence depends only on the sequence of calls.
duration sample_latency(const latency_model& m, prng& r);

// True when a message should be lost (one draw; none when rate is 0 or 1).
bool sample_drop(double drop_rate, prng& r);

// "normal(1000us,200us) drop=0.010000" for traces.
std::string describe(const link_config& c);

}  // namespace qm::sim
