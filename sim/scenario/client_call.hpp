#pragma once
// One request of a simulated client through the gateway, recorded in the outcome log with its
// step, virtual start and end, and what came back.

#include <string>

#include "core/json/json.hpp"
#include "runtime/clock.hpp"
#include "runtime/http_client.hpp"
#include "sim/scenario/outcomes.hpp"
#include "sim/scenario/steps.hpp"

namespace qm::sim {

struct client_channel {
  rt::http_client& http;
  rt::clock& clock;
  std::string gateway;
  outcome_log& log;
  duration timeout;
};

// client_address: the simulated address of whoever sends req. The client node plays the load
// balancer in front of the gateway: it appends the address to X-Forwarded-For, as a real one
// does, and the gateway (which trusts the cluster's own addresses as proxies) limits an
// anonymous request by it. Empty: the request comes from the client node itself.
task<rt::call_result> recorded_call(client_channel& ch, step_id step, http::request req,
                                    std::string_view client_address = {});

// Simulated client addresses, outside the cluster's own 10.77.0.0/16: customers are
// 100.64.0.0/12 by index, staff (the admin and the delivery partners) 100.96.0.0/12.
std::string customer_address(std::size_t index);
std::string staff_address(std::size_t index);

// Request builders.
http::request json_request(http::method m, std::string target, const json::object& body);
http::request plain_request(http::method m, std::string target);
void set_bearer(http::request& r, const std::string& token);

// The JSON object in a reply body, or an empty object when it is not one.
json::object reply_object(const http::response& r);
std::int64_t int_field(const json::object& o, std::string_view key, std::int64_t otherwise = 0);
std::string string_field(const json::object& o, std::string_view key);

}  // namespace qm::sim
