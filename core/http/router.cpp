#include "core/http/router.hpp"

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
  while (!path.empty()) {
    auto slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    if (!seg.empty()) {
      out.push_back(seg);
    }
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
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
  entry e{m, route_template, {}, std::move(h)};
  for (auto seg : split_path(route_template)) {
    e.segments.emplace_back(seg);
  }
  routes_.push_back(std::move(e));
}

std::optional<router::match> router::find(method m, std::string_view path,
                                          bool* method_mismatch) const {
  const auto segs = split_path(path);
  // Literal routes win over templated ones ("/auth/me" before "/auth/{x}"), so we make two passes.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& e : routes_) {
      if (e.segments.size() != segs.size()) {
        continue;
      }
      bool has_params = false;
      bool ok = true;
      std::vector<std::pair<std::string, std::string>> params;
      for (std::size_t i = 0; i < segs.size() && ok; ++i) {
        if (is_param(e.segments[i])) {
          has_params = true;
          params.emplace_back(e.segments[i].substr(1, e.segments[i].size() - 2), segs[i]);
        } else {
          ok = e.segments[i] == segs[i];
        }
      }
      if (!ok || has_params != (pass == 1)) {
        continue;
      }
      if (e.verb != m) {
        if (method_mismatch != nullptr) {
          *method_mismatch = true;
        }
        continue;
      }
      return match{&e.target, e.route_template, std::move(params)};
    }
  }
  return std::nullopt;
}

}  // namespace qm::http
