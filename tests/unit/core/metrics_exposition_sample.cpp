// Prints the exposition of a registry that uses every kind of series (constant labels, labels,
// escapes, the overflow series, default latency buckets, a collector's gauge), for
// `promtool check metrics` to judge.

#include <cstdio>
#include <string>

#include "core/metrics/registry.hpp"

int main() {
  qm::metrics::registry r(4);
  r.set_constant_labels({{"service", "gateway"}, {"instance_note", "sample \"one\""}});
  r.add_collector([&r] { r.get_gauge("process_open_fds", "Open file descriptors.").set(12); });
  for (int code : {200, 201, 404, 503}) {
    r.get_counter("quickmart_http_requests_total", "HTTP requests answered, by route and status.",
                  {{"route", "/auth/login"}, {"status", std::to_string(code)}})
        .inc(code / 100.0);
  }
  // Past the cap: lands in the overflow series.
  r.get_counter("quickmart_http_requests_total", "HTTP requests answered, by route and status.",
                {{"route", "/auth/me"}, {"status", "200"}})
      .inc();
  r.get_gauge("quickmart_inflight_requests", "Requests being handled now.").set(3);
  r.get_gauge("quickmart_breaker_state", "Circuit breaker state (0 closed, 1 open, 2 half-open).",
              {{"upstream", "auth \"primary\"\\a\nb"}})
      .set(1);
  auto& h = r.get_histogram("quickmart_http_request_duration_seconds",
                            "HTTP request latency in seconds.", {{"route", "/auth/login"}});
  for (int i = 0; i < 100; ++i) {
    h.observe(0.0003 * i * i);
  }
  r.get_gauge("quickmart_build_info", "Build of this process.", {{"version", "0.1.0"}, {"commit", "abc123"}}).set(1);
  const std::string text = r.expose_text();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
