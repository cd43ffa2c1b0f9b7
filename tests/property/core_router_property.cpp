// Property: for any set of routes and any path, the router returns exactly the route a
// simple model picks: same segment count, literal segments equal, literal-only templates
// before templated ones, then registration order; 405 exactly when only the method differs.

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/http/router.hpp"

namespace qm::http {
namespace {

struct route_spec {
  method verb;
  std::vector<std::string> segments;  // "{p0}" style for params

  std::string text() const {
    std::string out;
    for (const auto& s : segments) {
      out += "/" + s;
    }
    return out.empty() ? "/" : out;
  }
};

bool is_param(const std::string& seg) { return seg.size() > 2 && seg.front() == '{'; }

// A small alphabet so random paths often hit registered routes.
rc::Gen<std::string> gen_literal() { return rc::gen::element<std::string>("a", "b", "me", "x1"); }

rc::Gen<method> gen_method() { return rc::gen::element(method::get, method::post, method::put); }

rc::Gen<route_spec> gen_route() {
  return rc::gen::exec([] {
    route_spec r{*gen_method(), {}};
    const auto n = *rc::gen::inRange<std::size_t>(0, 4);
    int params = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const bool param = *rc::gen::weightedElement<bool>({{3, false}, {1, true}});
      r.segments.push_back(param ? "{p" + std::to_string(params++) + "}" : *gen_literal());
    }
    return r;
  });
}

struct expected_match {
  std::size_t index;
  std::vector<std::pair<std::string, std::string>> params;
};

std::optional<expected_match> model_find(const std::vector<route_spec>& routes, method m,
                                         const std::vector<std::string>& path, bool* mismatch) {
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < routes.size(); ++i) {
      const auto& r = routes[i];
      if (r.segments.size() != path.size()) {
        continue;
      }
      bool has_params = false;
      bool ok = true;
      std::vector<std::pair<std::string, std::string>> params;
      for (std::size_t k = 0; k < path.size(); ++k) {
        if (is_param(r.segments[k])) {
          has_params = true;
          params.emplace_back(r.segments[k].substr(1, r.segments[k].size() - 2), path[k]);
        } else if (r.segments[k] != path[k]) {
          ok = false;
        }
      }
      if (!ok || has_params != (pass == 1)) {
        continue;
      }
      if (r.verb != m) {
        *mismatch = true;
        continue;
      }
      return expected_match{i, params};
    }
  }
  return std::nullopt;
}

handler answer(std::size_t index) {
  return [index](request_context) -> task<response> {
    response r;
    r.status = static_cast<int>(index);
    co_return r;
  };
}

RC_GTEST_PROP(router_property, finds_exactly_the_model_route, ()) {
  auto candidates = *rc::gen::container<std::vector<route_spec>>(gen_route());
  // Duplicates (same method and template) are a bug the router asserts on: keep the first.
  std::vector<route_spec> routes;
  std::set<std::pair<method, std::string>> seen;
  for (auto& r : candidates) {
    if (seen.insert({r.verb, r.text()}).second) {
      routes.push_back(std::move(r));
    }
  }
  router rt;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    rt.add(routes[i].verb, routes[i].text(), answer(i));
  }
  RC_ASSERT(rt.size() == routes.size());

  // Query registered paths (with params filled in) and random ones.
  for (int probe = 0; probe < 20; ++probe) {
    std::vector<std::string> path;
    if (!routes.empty() && *rc::gen::arbitrary<bool>()) {
      const auto& r = routes[*rc::gen::inRange<std::size_t>(0, routes.size())];
      for (const auto& seg : r.segments) {
        path.push_back(is_param(seg) ? *gen_literal() : seg);
      }
    } else {
      path = *rc::gen::container<std::vector<std::string>>(
          *rc::gen::inRange<std::size_t>(0, 4), gen_literal());
    }
    const method m = *gen_method();
    std::string text;
    for (const auto& s : path) {
      text += "/" + s;
    }
    if (text.empty()) {
      text = "/";
    }

    bool want_mismatch = false;
    const auto want = model_find(routes, m, path, &want_mismatch);
    bool got_mismatch = false;
    const auto got = rt.find(m, text, &got_mismatch);

    RC_ASSERT(got.has_value() == want.has_value());
    if (want) {
      RC_ASSERT(got->route == routes[want->index].text());
      RC_ASSERT(got->params == want->params);
      request_context ctx;
      const auto reply = [&] {
        auto t = (*got->target)(ctx);
        response out;
        auto drive = [](task<response> inner, response* r) -> task<void> { *r = co_await std::move(inner); };
        auto d = drive(std::move(t), &out);
        d.handle().resume();
        RC_ASSERT(d.done());
        return out;
      }();
      RC_ASSERT(reply.status == static_cast<int>(want->index));
    } else {
      RC_ASSERT(got_mismatch == want_mismatch);
    }
  }
}

}  // namespace
}  // namespace qm::http
