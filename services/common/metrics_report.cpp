#include "services/common/metrics_report.hpp"

#include <cstdint>
#include <string>

namespace qm::services {

namespace {

constexpr std::string_view duration_family = "http_request_duration_seconds";
constexpr std::string_view errors_family = "http_request_errors_total";
constexpr std::string_view errors_help = "Requests answered with a 5xx status, by route.";

std::string label_of(const metrics::labels& l, std::string_view key) {
  for (const auto& [k, v] : l) {
    if (k == key) {
      return v;
    }
  }
  return {};
}

double mean_of(double sum, std::uint64_t count) {
  return count == 0 ? 0.0 : sum / static_cast<double>(count);
}

}  // namespace

json::object metrics_report(metrics::registry& m) {
  json::array routes;
  std::uint64_t total_count = 0;
  std::uint64_t total_errors = 0;
  double total_sum_s = 0;
  for (const auto& s : m.summarize(duration_family)) {
    // The error counter of the same series; reading it creates a zero series for a route
    // that never failed, which is bounded by the routes like the histogram itself.
    const auto errors = static_cast<std::uint64_t>(m.get_counter(errors_family, errors_help, s.series).value());
    json::object r;
    const std::string route = label_of(s.series, "route");
    r["route"] = route.empty() ? std::string("overflow") : route;
    r["count"] = s.count;
    r["errors"] = errors;
    r["p50_s"] = s.p50;
    r["p95_s"] = s.p95;
    r["p99_s"] = s.p99;
    r["mean_s"] = mean_of(s.sum, s.count);
    routes.push_back(std::move(r));
    total_count += s.count;
    total_errors += errors;
    total_sum_s += s.sum;
  }
  json::object totals;
  totals["count"] = total_count;
  totals["errors"] = total_errors;
  totals["error_ratio"] = total_count == 0 ? 0.0 : static_cast<double>(total_errors) / static_cast<double>(total_count);
  totals["mean_s"] = mean_of(total_sum_s, total_count);
  json::object out;
  out["routes"] = std::move(routes);
  out["totals"] = std::move(totals);
  return out;
}

}  // namespace qm::services
