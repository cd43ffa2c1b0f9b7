#include "core/http/router.hpp"

#include <algorithm>
#include <array>

#include "core/base/assert.hpp"
#include "core/base/exception_text.hpp"

namespace qm::http {

std::string_view request_context::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (k == name) {
      return v;
    }
  }
  return {};
}

task<handler_outcome> run_handler(const handler& target, request_context ctx) {
  handler_outcome out;
  try {
    out.answer = co_await target(std::move(ctx));
  } catch (...) {
    out.failure = describe_current_exception();
    if (out.failure.empty()) {
      out.failure = "exception without a message";
    }
  }
  co_return out;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  for_each_segment(path, [&](std::string_view seg) {
    out.push_back(seg);
    return true;
  });
  return out;
}

namespace {
bool is_param(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}
}  // namespace

void router::add(method m, std::string route_template, handler h) {
  QM_ASSERT_MSG(!route_template.empty() && route_template.front() == '/',
                "a route template starts with '/'");
  for (const auto& e : routes_) {
    QM_ASSERT_MSG(!(e.verb == m && e.route_template == route_template), "duplicate route");
  }
  entry e{m, route_template, {}, false, std::move(h)};
  for (auto seg : split_path(route_template)) {
    const bool param = is_param(seg);
    e.segments.push_back(segment{std::string(param ? seg.substr(1, seg.size() - 2) : seg), param});
    e.has_params = e.has_params || param;
  }
  QM_ASSERT_MSG(e.segments.size() <= max_segments, "a route template has at most max_segments segments");
  const std::size_t count = e.segments.size();
  routes_.push_back(std::move(e));
  index_routes_of(count);
}

void router::index_routes_of(std::size_t count) {
  auto& lists = index_[count];
  lists.clear();
  lists.push_back(candidates{});
  for (const auto& e : routes_) {
    if (e.segments.size() != count || count == 0 || e.segments.front().param) {
      continue;
    }
    const std::string& first = e.segments.front().text;
    const bool listed = std::any_of(lists.begin(), lists.end(),
                                    [&](const candidates& c) { return c.first == first; });
    if (!listed) {
      lists.push_back(candidates{first, {}});
    }
  }
  for (auto& list : lists) {
    for (int pass = 0; pass < 2; ++pass) {
      for (std::size_t i = 0; i < routes_.size(); ++i) {
        const entry& e = routes_[i];
        if (e.segments.size() != count || e.has_params != (pass == 1)) {
          continue;
        }
        if (count == 0 || e.segments.front().param || e.segments.front().text == list.first) {
          list.routes.push_back(i);
        }
      }
    }
  }
}

std::optional<router::match> router::find(method m, std::string_view path,
                                          bool* method_mismatch) const {
  // Split once into the stack: every request is routed, and a vector here cost an allocation
  // or three (growing) per request. A path longer than any template matches nothing.
  std::array<std::string_view, max_segments> segs;
  std::size_t count = 0;
  const bool fits = for_each_segment(path, [&](std::string_view seg) {
    if (count == segs.size()) {
      return false;
    }
    segs[count++] = seg;
    return true;
  });
  if (!fits || index_[count].empty()) {
    return std::nullopt;
  }
  const auto& lists = index_[count];
  const candidates* tried = &lists.front();
  if (count > 0) {
    const auto listed = std::find_if(lists.begin() + 1, lists.end(),
                                     [&](const candidates& c) { return c.first == segs[0]; });
    if (listed != lists.end()) {
      tried = &*listed;
    }
  }
  // Literal routes win over templated ones ("/auth/me" before "/auth/{x}"): lists hold them first.
  for (const std::size_t index : tried->routes) {
    const entry& e = routes_[index];
    bool ok = true;
    for (std::size_t i = 0; i < count && ok; ++i) {
      ok = e.segments[i].param || e.segments[i].text == segs[i];
    }
    if (!ok) {
      continue;
    }
    if (e.verb != m) {
      if (method_mismatch != nullptr) {
        *method_mismatch = true;
      }
      continue;
    }
    match out{&e.target, e.route_template, {}};
    if (e.has_params) {
      for (std::size_t i = 0; i < count; ++i) {
        if (e.segments[i].param) {
          out.params.emplace_back(e.segments[i].text, segs[i]);
        }
      }
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace qm::http
