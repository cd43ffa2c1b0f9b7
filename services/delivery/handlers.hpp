#pragma once
// The delivery handlers, grouped by who calls them; routes.cpp registers them all.

#include "core/http/router.hpp"
#include "core/task/task.hpp"
#include "services/delivery/context.hpp"

namespace qm::delivery {

// partner_routes.cpp
task<http::response> handle_put_profile(delivery_context& c, http::request_context rc);
task<http::response> handle_get_profile(delivery_context& c, http::request_context rc);
task<http::response> handle_availability(delivery_context& c, http::request_context rc);
task<http::response> handle_location(delivery_context& c, http::request_context rc);
task<http::response> handle_partner_orders(delivery_context& c, http::request_context rc);
task<http::response> handle_pickup(delivery_context& c, http::request_context rc);
task<http::response> handle_delivered(delivery_context& c, http::request_context rc);

// order_routes.cpp
task<http::response> handle_create_assignment(delivery_context& c, http::request_context rc);
task<http::response> handle_cancel_assignment(delivery_context& c, http::request_context rc);
task<http::response> handle_tracking(delivery_context& c, http::request_context rc);

// admin_routes.cpp
task<http::response> handle_admin_partners(delivery_context& c, http::request_context rc);
task<http::response> handle_admin_assign(delivery_context& c, http::request_context rc);
task<http::response> handle_admin_stats(delivery_context& c, http::request_context rc);

}  // namespace qm::delivery
