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

// What the client knows about a request's standing at the gateway: whose rate-limit budget it
// spends (the gateway limits a signed-in caller by account, anyone else by address) and in
// which class. Recorded with the request for the rate-limit checks.
struct call_tags {
  std::string subject;  // "ip:<address>" or "acct:<email>"; empty: not tagged
  limit_class_tag limit_class = limit_class_tag::none;
  bool signed_in = false;
  // The outcome log's id of the subject, from a caller that has looked it up already (then
  // subject is not needed); 0: look subject up.
  std::uint32_t subject_id = 0;
};

// The class the gateway documents for a path (services/gateway/rate_limit.hpp): the credential
// endpoints, /admin, everything else.
limit_class_tag documented_limit_class(std::string_view path);

// client_address: the simulated address of whoever sends req. The client node plays the load
// balancer in front of the gateway: it appends the address to X-Forwarded-For, as a real one
// does, and the gateway (which trusts the cluster's own addresses as proxies) limits an
// anonymous request by it. Empty: the request comes from the client node itself.
// tags: see call_tags; the reply's rate-limit fields and stale-cache marker are recorded too.
// (No defaulted class-type parameter: g++ 12 destroys such a default twice when the call
// stands inside a co_await expression; the shorter overload builds it in a plain function.)
task<rt::call_result> recorded_call(client_channel& ch, step_id step, http::request req,
                                    std::string_view client_address, call_tags tags);
task<rt::call_result> recorded_call(client_channel& ch, step_id step, http::request req,
                                    std::string_view client_address = {});

// Simulated client addresses, outside the cluster's own 10.77.0.0/16: customers are
// 100.64.0.0/12 by index, staff (the admin and the delivery partners) 100.96.0.0/12.
std::string customer_address(std::size_t index);
std::string staff_address(std::size_t index);
// Hostile clients (the abuse flow) connect from 100.112.0.0/12.
std::string abuser_address(std::size_t index);

// Request builders.
http::request json_request(http::method m, std::string target, const json::object& body);
http::request plain_request(http::method m, std::string target);
void set_bearer(http::request& r, const std::string& token);

// The JSON object in a reply body, or an empty object when it is not one.
json::object reply_object(const http::response& r);
std::int64_t int_field(const json::object& o, std::string_view key, std::int64_t otherwise = 0);
std::string string_field(const json::object& o, std::string_view key);

}  // namespace qm::sim
