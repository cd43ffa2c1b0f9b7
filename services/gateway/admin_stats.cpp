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
  auto admitted = co_await admit_admin(c, rc);
  if (!admitted) {
    co_return std::move(admitted).error();
  }
  const admin_request& a = *admitted;
  const std::string signed_caller = identity::sign(a.caller, c.settings.context_secret);
  json::object merged;
  std::size_t answered = 0;
  // One after another: three small reads, and a deadline shared by all of them.
  for (const std::string_view upstream : stats_upstreams) {
    http::request ask;
    ask.verb = http::method::get;
    ask.target = "/admin/stats";
    ask.headers.set(std::string(identity::context_header), signed_caller);
    services::call_options opts;
    opts.deadline = a.deadline;
    opts.origin = rc.scope.get();
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
      c.rt.log.warn(rc.scope.get(), "admin stats: a service did not answer",
                    {{"upstream", std::string(upstream)}});
    }
  }
  if (answered == 0) {
    auto r = http::error_response(503, "upstream_unavailable", "no service answered for its stats",
                                  a.request_id);
    r.headers.set("Retry-After", "1");
    co_return own_answer(std::move(r), a);
  }
  merged["partial"] = answered < stats_upstreams.size();
  co_return own_answer(http::json_response(200, json::serialize(merged)), a);
}

}  // namespace qm::gateway
