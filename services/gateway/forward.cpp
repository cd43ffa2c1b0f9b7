#include "services/gateway/forward.hpp"

#include <algorithm>
#include <array>

#include "core/http/router.hpp"
#include "services/gateway/request_id.hpp"

namespace qm::gateway {

namespace {

// Headers that describe one connection, not the message (RFC 9110 section 7.6.1), plus the
// framing the transport recomputes.
constexpr std::array<std::string_view, 10> hop_by_hop = {
    "Connection",          "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "TE",
    "Trailer",             "Transfer-Encoding", "Upgrade",     "Content-Length",      "Host",
};

bool is_hop_by_hop(std::string_view name) {
  return std::any_of(hop_by_hop.begin(), hop_by_hop.end(),
                     [&](std::string_view h) { return http::iequals(h, name); });
}

http::headers end_to_end(const http::headers& in, const std::string& request_id) {
  http::headers out;
  for (const auto& [name, value] : in.fields()) {
    if (!is_hop_by_hop(name) && !http::iequals(name, request_id_header)) {
      out.add(name, value);
    }
  }
  out.set(std::string(request_id_header), request_id);
  return out;
}

void count(gateway_context& c, std::string_view upstream, std::string_view outcome) {
  c.rt.metrics
      .get_counter("gateway_upstream_requests_total", "Requests forwarded, by upstream and outcome.",
                   {{"upstream", std::string(upstream)}, {"outcome", std::string(outcome)}})
      .inc();
}

http::response call_failed(gateway_context& c, std::string_view upstream,
                           const rt::call_error& e, const std::string& request_id) {
  count(c, upstream, rt::to_string(e.code));
  http::response r;
  switch (e.code) {
    case rt::call_errc::timeout:
      r = http::error_response(504, "upstream_timeout", "the upstream service did not answer in time",
                               request_id);
      break;
    case rt::call_errc::connect_failed:
    case rt::call_errc::overloaded:
      r = http::error_response(503, "upstream_unavailable", "the upstream service is unavailable",
                               request_id);
      r.headers.set("Retry-After", "1");
      break;
    case rt::call_errc::connection_reset:
      r = http::error_response(502, "upstream_reset", "the upstream connection broke", request_id);
      break;
    case rt::call_errc::unknown_upstream:
      c.rt.log.error("no address for upstream", {{"upstream", std::string(upstream)}});
      r = http::error_response(502, "bad_gateway", "the upstream service is not configured",
                               request_id);
      break;
  }
  r.headers.set(std::string(request_id_header), request_id);
  return r;
}

}  // namespace

bool unsafe_path(std::string_view path) {
  for (auto seg : http::split_path(path)) {
    if (seg == "." || seg == "..") {
      return true;
    }
  }
  if (path.find('\\') != std::string_view::npos) {
    return true;
  }
  for (std::size_t pct = path.find('%'); pct != std::string_view::npos; pct = path.find('%', pct + 1)) {
    const std::string_view code = path.substr(pct + 1, 2);
    if (http::iequals(code, "2e") || http::iequals(code, "2f") || http::iequals(code, "5c")) {
      return true;
    }
  }
  return false;
}

task<http::response> forward(gateway_context& c, std::string_view upstream,
                             http::request_context rc) {
  const std::string request_id =
      choose_request_id(rc.request.headers.get(request_id_header), c.rt.random);
  if (unsafe_path(rc.request.path())) {
    auto r = http::error_response(400, "invalid_path", "the request path is not allowed", request_id);
    r.headers.set(std::string(request_id_header), request_id);
    co_return r;
  }
  http::request out;
  out.verb = rc.request.verb;
  out.target = std::move(rc.request.target);
  out.headers = end_to_end(rc.request.headers, request_id);
  out.body = std::move(rc.request.body);

  time_point deadline = c.rt.clock.now() + c.settings.upstream_timeout;
  if (rc.deadline != time_point{} && rc.deadline < deadline) {
    deadline = rc.deadline;
  }
  auto reply = co_await c.rt.http.request(upstream, std::move(out), deadline);
  if (!reply) {
    co_return call_failed(c, upstream, reply.error(), request_id);
  }
  count(c, upstream, "answered");
  http::response r;
  r.status = reply->status;
  r.headers = end_to_end(reply->headers, request_id);
  r.body = std::move(reply->body);
  co_return r;
}

}  // namespace qm::gateway
