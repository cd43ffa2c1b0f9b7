#include "services/notification/routes.hpp"

#include "services/common/binding.hpp"
#include "services/common/caller.hpp"
#include "services/notification/responses.hpp"

namespace qm::notification {

namespace {

using http::request_context;
using http::response;

void count_event(notification_context& c, std::string_view outcome) {
  c.rt.metrics
      .get_counter("notification_events_total", "Events offered to the outbox, by outcome.",
                   {{"outcome", std::string(outcome)}})
      .inc();
}

void show_depth(notification_context& c) {
  c.rt.metrics.get_gauge("notification_outbox_depth", "Events waiting in the outbox.")
      .set(static_cast<double>(c.outbox.size()));
}

task<response> handle_event(notification_context& c, request_context rc) {
  auto in = parse_event(rc.request.body);
  if (!in) {
    count_event(c, "bad_input");
    co_return bad_input(rc, in.error());
  }
  in->id = static_cast<std::int64_t>(c.rt.random.uniform(static_cast<std::uint64_t>(max_id))) + 1;
  in->created_at = to_unix_seconds(c.rt.clock.now());
  const std::int64_t id = in->id;
  if (!c.outbox.push(std::move(*in))) {
    count_event(c, "refused");
    c.rt.log.warn(rc.scope.get(), "outbox full: event refused",
                  {{"capacity", std::to_string(c.outbox.capacity())}});
    co_return outbox_full(rc);
  }
  count_event(c, "accepted");
  show_depth(c);
  co_return http::json_response(202, queued_body(id));
}

task<response> handle_list(notification_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  co_return http::json_response(200, deliveries_body(c.users.newest_first(caller->user_id)));
}

task<response> handle_get_settings(notification_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  const preferences p = c.users.preferences_of(caller->user_id);
  co_return http::json_response(200, preferences_body(p));
}

task<response> handle_put_settings(notification_context& c, request_context rc) {
  auto caller = services::authenticate(rc, c.settings.context_secret, c.rt.clock.now());
  if (!caller) {
    co_return std::move(caller).error();
  }
  auto in = parse_preferences(rc.request.body);
  if (!in) {
    co_return bad_input(rc, in.error());
  }
  if (!c.users.set_preferences(caller->user_id, *in)) {
    c.rt.log.warn(rc.scope.get(), "user bound reached: settings not stored",
                  {{"max_users", std::to_string(c.users.max_users())}});
    co_return user_limit(rc);
  }
  co_return http::json_response(200, preferences_body(*in));
}

using services::bind;
using services::bind_internal;

}  // namespace

void register_routes(http::router& routes, notification_context& ctx) {
  routes.add(http::method::post, "/internal/events", bind_internal(ctx, handle_event));
  routes.add(http::method::get, "/notifications", bind(ctx, handle_list));
  routes.add(http::method::get, "/notifications/settings", bind(ctx, handle_get_settings));
  routes.add(http::method::put, "/notifications/settings", bind(ctx, handle_put_settings));
}

}  // namespace qm::notification
