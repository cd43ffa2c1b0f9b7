#pragma once
// GET /metrics as JSON, for people and scripts without Prometheus at hand: per route the
// request count, the 5xx count and p50/p95/p99 seconds estimated from the
// http_request_duration_seconds histogram (runtime servers record it), and the totals.

#include "core/json/json.hpp"
#include "core/metrics/registry.hpp"

namespace qm::services {

// {"routes": [{"route", "count", "errors", "p50_s", "p95_s", "p99_s", "mean_s"}, ...] in
// route order, "totals": {"count", "errors", "error_ratio", "mean_s"}}.
json::object metrics_report(metrics::registry& m);

}  // namespace qm::services
