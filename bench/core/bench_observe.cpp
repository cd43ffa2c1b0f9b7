// What logs, traces and request metrics cost per request, piece by piece (issue 6, "Speed"):
//   log_line/*       core/log append_line of an access-log-shaped line (a request scope and two
//                    fields), into an output string reused across lines; its JSON strings alone,
//                    against a reference escaper
//   trace/*          core/observe: traceparent parse, open_span, child_traceparent, and the
//                    three together as one hop does them
//   observer/*       rt::request_observer open() + answered() for one GET, in the settings a
//                    server can run with: access log on or off, request metrics on or off, and
//                    the access log going to a logger whose write does nothing (what the
//                    observer itself costs) or to rt::asio::stderr_logger with a sink that drops
//                    the line (the line formatted through spdlog, without the write(2)); for a
//                    request behind the gateway (its ids continued) and at the edge (new ones)
// The end-to-end figure (a server under wrk with the settings on and off) is
// bench/http/observability_overhead.sh; docs/observability.md "Cost of logs and metrics"
// has both.
//
//   build/bench/core/bench_observe --benchmark_repetitions=7
//     --benchmark_enable_random_interleaving=true --benchmark_min_time=0.3

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/log/log_line.hpp"
#include "core/metrics/registry.hpp"
#include "core/observe/request_scope.hpp"
#include "core/observe/trace_context.hpp"
#include "runtime/asio/id_random.hpp"
#include "runtime/asio/stderr_logger.hpp"
#include "runtime/logger.hpp"
#include "runtime/request_observer.hpp"

namespace {

using namespace qm;

// What the gateway sends a service: a request id and its span as our parent.
constexpr std::string_view incoming_request_id = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view incoming_traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
constexpr std::int64_t some_unix_us = 1'767'323'045'678'000;  // 2026-01-02T03:04:05.678Z

observe::request_scope sample_scope() {
  observe::request_scope s;
  s.request_id = std::string(incoming_request_id);
  s.span = observe::open_span(observe::parse_traceparent(incoming_traceparent), 0x1234'5678'9abc'def0ULL, 0, 0);
  s.method = "GET";
  s.route = "/products/{id}";
  s.user_id = 42;
  return s;
}

// ---------------------------------------------------------------- log line formatting

// The access log's line: scope, status and duration_ms; the string keeps its capacity.
void BM_log_line_request(benchmark::State& state) {
  const observe::request_scope scope = sample_scope();
  std::string out;
  std::int64_t ts = some_unix_us;
  for (auto _ : state) {
    out.clear();
    log::append_line(out, ts, log::level::info, "product", "request", &scope,
                     {log::field::number("status", 200), log::field::decimal("duration_ms", 1.234)});
    benchmark::DoNotOptimize(out.data());
    ts += 137;  // the time changes from line to line, as it does in a server
  }
  state.counters["bytes/line"] = static_cast<double>(out.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_log_line_request)->Name("log_line/request_scope_2_fields");

// The same line without a scope (a line outside any request), to show the scope's share.
void BM_log_line_no_scope(benchmark::State& state) {
  std::string out;
  std::int64_t ts = some_unix_us;
  for (auto _ : state) {
    out.clear();
    log::append_line(out, ts, log::level::info, "product", "request", nullptr,
                     {log::field::number("status", 200), log::field::decimal("duration_ms", 1.234)});
    benchmark::DoNotOptimize(out.data());
    ts += 137;
  }
  state.counters["bytes/line"] = static_cast<double>(out.size());
}
BENCHMARK(BM_log_line_no_scope)->Name("log_line/no_scope_2_fields");

// --- Where the line's time goes: its JSON strings (profiles put ~80% of log_line/* in
// append_json_string, one push_back per character). The strings of the access line above,
// escaped by core/log, against a reference that appends the leading characters needing no
// escape with one append (same output, checked before timing): the escaper's headroom.

const std::string_view line_strings[] = {
    "product", "request", "request_id", incoming_request_id, "trace_id", "0af7651916cd43dd8448eb211c80319c",
    "span_id", "123456789abcdef0", "parent_span_id", "b7ad6b7169203331", "method", "GET", "route",
    "/products/{id}", "user_id", "status", "duration_ms"};

void reference_json_string(std::string& out, std::string_view s) {
  std::size_t plain = 0;  // leading characters that need no escape
  while (plain < s.size()) {
    const auto c = static_cast<unsigned char>(s[plain]);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
      break;
    }
    ++plain;
  }
  out += '"';
  out.append(s.substr(0, plain));
  if (plain < s.size()) {  // the rest, from the first character needing care, by core/log
    std::string rest;
    log::append_json_string(rest, s.substr(plain));
    out.append(rest, 1, rest.size() - 2);
  }
  out += '"';
}

void BM_json_strings(benchmark::State& state) {
  const bool reference = state.range(0) != 0;
  std::string a;
  std::string b;
  for (auto s : line_strings) {
    log::append_json_string(a, s);
    reference_json_string(b, s);
  }
  if (a != b) {
    state.SkipWithError("the reference escaper writes other bytes");
    return;
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (auto s : line_strings) {
      benchmark::DoNotOptimize(s);
      if (reference) {
        reference_json_string(out, s);
      } else {
        log::append_json_string(out, s);
      }
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_json_strings)->Name("log_line/json_strings_of_line")->ArgName("reference_runs")->Arg(0)->Arg(1);

// ---------------------------------------------------------------- trace context

void BM_traceparent_parse(benchmark::State& state) {
  std::string_view value = incoming_traceparent;
  for (auto _ : state) {
    benchmark::DoNotOptimize(value);  // keeps the parse from being folded at compile time
    auto parsed = observe::parse_traceparent(value);
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_traceparent_parse)->Name("trace/parse_traceparent");

void BM_open_span(benchmark::State& state) {
  const std::optional<observe::traceparent> parent = observe::parse_traceparent(incoming_traceparent);
  std::uint64_t x = 0x9e37'79b9'7f4a'7c15ULL;
  for (auto _ : state) {
    x += 0x9e37'79b9'7f4a'7c15ULL;
    auto s = observe::open_span(parent, x, 0, 0);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_open_span)->Name("trace/open_span_child");

void BM_child_traceparent(benchmark::State& state) {
  const observe::span s = sample_scope().span;
  for (auto _ : state) {
    std::string header = s.child_traceparent();
    benchmark::DoNotOptimize(header.data());
  }
}
BENCHMARK(BM_child_traceparent)->Name("trace/child_traceparent");

// One hop: the caller's header parsed, this hop's span opened, one onward call's header made.
void BM_trace_hop(benchmark::State& state) {
  std::string_view value = incoming_traceparent;
  std::uint64_t x = 0x9e37'79b9'7f4a'7c15ULL;
  for (auto _ : state) {
    benchmark::DoNotOptimize(value);
    x += 0x9e37'79b9'7f4a'7c15ULL;
    const auto parent = observe::parse_traceparent(value);
    const observe::span s = observe::open_span(parent, x, x ^ 0x5555, x ^ 0xaaaa);
    std::string header = s.child_traceparent();
    benchmark::DoNotOptimize(header.data());
  }
}
BENCHMARK(BM_trace_hop)->Name("trace/parse_open_child");

// ---------------------------------------------------------------- request_observer

// A logger that accepts every line and does nothing with it: the observer's own cost.
class null_logger final : public rt::logger {
 public:
  void write(rt::log_level, std::string_view, const observe::request_scope*,
             std::initializer_list<rt::log_field>) override {
    ++lines;
  }
  bool enabled(rt::log_level) const override { return true; }
  std::uint64_t lines = 0;
};

enum class sink_kind { null_logger, spdlog_drop };

// Arguments: access_log 0|1, request_metrics 0|1, sink (0 null logger, 1 spdlog dropping), edge.
// edge 0: a request as a service behind the gateway sees it (an X-Request-ID and a
// traceparent: open() keeps the id and makes a child span). edge 1: a request at the edge
// (neither header: open() makes a request id and a new trace and writes the id into the
// request, taken out again after each iteration, a few ns of the figure). Each is answered
// 200 after 1.2 ms.
void BM_observer(benchmark::State& state) {
  const bool access_log = state.range(0) != 0;
  const bool request_metrics = state.range(1) != 0;
  const auto kind = static_cast<sink_kind>(state.range(2));
  const bool edge = state.range(3) != 0;

  metrics::registry registry;
  null_logger nothing;
  std::uint64_t dropped_bytes = 0;
  rt::asio::stderr_logger spdlog_logger("product", rt::log_level::info,
                                        [&dropped_bytes](std::string_view line) { dropped_bytes += line.size(); });
  rt::logger& log = kind == sink_kind::null_logger ? static_cast<rt::logger&>(nothing) : spdlog_logger;
  rt::request_observer observer(registry, log, {.access_log = access_log, .request_metrics = request_metrics});
  rt::asio::id_random ids;

  http::request req;
  req.verb = http::method::get;
  req.target = "/products/17";
  req.headers.add("Host", "127.0.0.1:8002");
  if (!edge) {
    req.headers.add(std::string(observe::request_id_header), std::string(incoming_request_id));
    req.headers.add(std::string(observe::traceparent_header), std::string(incoming_traceparent));
  }

  for (auto _ : state) {
    auto scope = observer.open(req, "/products/{id}", ids);
    observer.handler_started();
    observer.handler_ended();
    observer.answered(*scope, 200, duration(1234));
    benchmark::DoNotOptimize(scope.get());
    if (edge) {
      req.headers.remove(observe::request_id_header);
    }
  }
  state.counters["log_bytes/op"] = benchmark::Counter(
      static_cast<double>(dropped_bytes), benchmark::Counter::kAvgIterations);
  benchmark::DoNotOptimize(nothing.lines);
}
BENCHMARK(BM_observer)
    ->Name("observer/open_answered")
    ->ArgNames({"log", "metrics", "spdlog", "edge"})
    ->Args({0, 0, 0, 0})   // both off: what is left is open() (ids, span, scope)
    ->Args({0, 1, 0, 0})   // metrics only
    ->Args({1, 0, 0, 0})   // access log to a do-nothing logger, no metrics
    ->Args({1, 1, 0, 0})   // both on, do-nothing logger
    ->Args({1, 0, 1, 0})   // access log through spdlog (line dropped), no metrics
    ->Args({1, 1, 1, 0})   // both on through spdlog: production minus the write(2)
    ->Args({0, 0, 0, 1})   // edge request, both off
    ->Args({1, 1, 1, 1});  // edge request, both on through spdlog

}  // namespace

BENCHMARK_MAIN();
