#pragma once
// The notification service's reply shapes: deliveries as JSON, and the one place where bad
// input, a full outbox or the user bound becomes an HTTP status.
//
// 400 "invalid_field" naming the field ("kind" for an unknown kind), or "invalid_body";
// 503 "outbox_full" with Retry-After: 1 when an event cannot be queued;
// 503 "user_limit" when a new user's settings cannot be stored (no Retry-After: waiting
// does not help).

#include <cstdint>
#include <string>
#include <vector>

#include "core/http/router.hpp"
#include "core/json/json.hpp"
#include "services/common/replies.hpp"
#include "services/notification/domain/user_book.hpp"

namespace qm::notification {

using services::request_id;

// Reply bodies, written straight into their text (json::writer).
// {"items":[{"id","kind","order_id","message","channels":[...],"status","created_at"}]}.
std::string deliveries_body(const std::vector<delivery>& deliveries);
// {"id","status":"queued"}: an accepted event.
std::string queued_body(std::int64_t event_id);

http::response bad_input(const http::request_context& rc, const json::input_error& e);
http::response outbox_full(const http::request_context& rc);
http::response user_limit(const http::request_context& rc);

}  // namespace qm::notification
