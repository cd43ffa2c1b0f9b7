#pragma once
// The route table a service fills in at start: method + path template ("/orders/{id}") to a
// handler. Both runtimes dispatch through it, so routing behaves the same in both worlds.

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/time.hpp"
#include "core/http/message.hpp"
#include "core/observe/request_scope.hpp"
#include "core/task/task.hpp"

namespace qm::http {

// Everything a handler gets: the request, the values of the template's {params}, the route
// template (for logs and metrics, never the raw path; the router's own text, which outlives
// every request it routes) and the time by which the caller stops waiting.
struct request_context {
  http::request request;
  std::vector<std::pair<std::string, std::string>> params;
  std::string_view route;
  time_point deadline{};
  // The address of the connection's far end: an IP in production, the sending node's
  // simulated address in the simulator. Rate limiting keys anonymous clients by it.
  std::string peer;
  // The request's id, span and (once authenticated) user, shared with the server that logs
  // and counts the request; null only in tests that build a context by hand.
  std::shared_ptr<observe::request_scope> scope;

  std::string_view param(std::string_view name) const;
};

using handler = std::function<task<response>(request_context)>;

// What running a handler gave: its response, or (a bug in the handler) the description of the
// exception it ended with. Both runtimes run handlers through run_handler, so a throwing
// handler is caught, reported and answered the same way in both worlds.
struct handler_outcome {
  response answer;
  std::string failure;  // empty when the handler returned normally

  bool threw() const { return !failure.empty(); }
};

task<handler_outcome> run_handler(const handler& target, request_context ctx);

class router {
 public:
  // Adds a route. Templates are literal segments and {name} segments; duplicates are a bug.
  void add(method m, std::string route_template, handler h);

  // target and route point into the router: valid while it lives and no route is added.
  struct match {
    const handler* target = nullptr;
    std::string_view route;
    std::vector<std::pair<std::string, std::string>> params;
  };
  // Finds the route for method and path. When the path matches but the method does not,
  // method_mismatch is set so the server can answer 405 rather than 404.
  std::optional<match> find(method m, std::string_view path, bool* method_mismatch = nullptr) const;

  std::size_t size() const { return routes_.size(); }

  // The most segments a template may have; a longer path matches no route.
  static constexpr std::size_t max_segments = 16;

 private:
  struct segment {
    std::string text;  // the literal, or the parameter's name without its braces
    bool param = false;
  };
  struct entry {
    method verb;
    std::string route_template;
    std::vector<segment> segments;
    bool has_params = false;
    handler target;
  };
  // The routes a path could match, for one segment count and first segment, in the order find
  // tries them: literal-only templates, then templated ones, each in the order added.
  struct candidates {
    // The first segment, a literal; empty (no segment is) for a first segment that no route of
    // this count starts with as a literal: then only templates starting with a {param} can match.
    std::string first;
    std::vector<std::size_t> routes;  // indexes into routes_
  };
  void index_routes_of(std::size_t count);

  std::vector<entry> routes_;
  // By segment count; the first list of each count is the one for an unlisted first segment.
  std::array<std::vector<candidates>, max_segments + 1> index_;
};

// Calls visit(segment) for each segment of path in order ("/a//b/" gives "a", "b": empty
// segments are dropped) until visit returns false; false when it did. For the per-request
// paths that look at segments without keeping them.
template <typename Visit>
bool for_each_segment(std::string_view path, Visit visit) {
  while (!path.empty()) {
    const auto slash = path.find('/');
    const std::string_view seg = path.substr(0, slash);
    if (!seg.empty() && !visit(seg)) {
      return false;
    }
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return true;
}

// Splits "/a/b/" into {"a", "b"}; empty segments are dropped.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace qm::http
