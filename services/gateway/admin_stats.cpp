#include "services/gateway/admin_stats.hpp"

#include <array>
#include <boost/json/parse.hpp>

#include "core/identity/user_context.hpp"
#include "core/json/json.hpp"
#include "services/gateway/authenticate.hpp"
#include "services/gateway/request_id.hpp"

namespace qm::gateway {

namespace {

constexpr std::array<std::string_view, 3> stats_upstreams = {"product", "order", "delivery"};

}  // namespace

task<http::response> admin_stats(gateway_context& c, http::request_context rc) {
  const std::string request_id =
      choose_request_id(rc.request.headers.get(request_id_header), c.rt.random);
  const time_point deadline = call_deadline(c, rc);
  auto caller = co_await authenticate_client(c, rc.request, access::admin, request_id, deadline);
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto limited = co_await check_rate_limit(c, rc, caller->user_id, request_id);
  if (!limited) {
    co_return std::move(limited).error();
  }
  const std::string signed_caller = identity::sign(*caller, c.settings.context_secret);
  json::object merged;
  std::size_t answered = 0;
  // One after another: three small reads, and a deadline shared by all of them.
  for (const std::string_view upstream : stats_upstreams) {
    http::request ask;
    ask.verb = http::method::get;
    ask.target = "/admin/stats";
    ask.headers.set(std::string(identity::context_header), signed_caller);
    ask.headers.set(std::string(request_id_header), request_id);
    services::call_options opts;
    opts.deadline = deadline;
    opts.request_id = request_id;
    auto reply = co_await c.calls.call(upstream, std::move(ask), opts);
    boost::system::error_code ec;
    boost::json::value part;
    if (reply && reply->status == 200) {
      part = boost::json::parse(reply->body, ec);
    }
    if (reply && reply->status == 200 && !ec && part.is_object()) {
      merged[upstream] = std::move(part);
      ++answered;
    } else {
      merged[upstream] = nullptr;
      c.rt.log.warn("admin stats: a service did not answer",
                    {{"upstream", std::string(upstream)}, {"request_id", request_id}});
    }
  }
  if (answered == 0) {
    auto r = http::error_response(503, "upstream_unavailable", "no service answered for its stats",
                                  request_id);
    r.headers.set("Retry-After", "1");
    r.headers.set(std::string(request_id_header), request_id);
    co_return r;
  }
  merged["partial"] = answered < stats_upstreams.size();
  auto r = http::json_response(200, json::serialize(merged));
  r.headers.set(std::string(request_id_header), request_id);
  if (*limited) {
    add_limit_headers(r, **limited);
  }
  co_return r;
}

}  // namespace qm::gateway
