#pragma once
// Stand-ins for the services order calls, each a router the in-process host attaches as an
// upstream: product's reservations (stock per product, all-or-none reserve, idempotent by id,
// release tombstones), cart's internal lines and checkout-clear, delivery's assignments and
// notification's events. They record what they were sent so tests can assert on it.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/http/router.hpp"
#include "core/json/json.hpp"

namespace qm::test {

class fake_product {
 public:
  struct item {
    std::string name;
    std::int64_t price_paise = 0;
    std::int64_t available = 0;
    bool active = true;
  };
  struct held {
    std::vector<std::pair<std::int64_t, std::int64_t>> lines;  // product id, quantity
    std::string status;                                        // held, confirmed, released
    bool tombstone = false;  // released before it was ever reserved
  };

  fake_product();
  const http::router& routes() const { return routes_; }

  std::map<std::int64_t, item> items;
  std::map<std::string, held> reservations;
  int reserve_calls = 0;
  int confirm_calls = 0;
  int release_calls = 0;
  // Called inside the handler before it answers (to inject faults or re-entrant requests).
  std::function<void(const std::string& reservation_id)> on_reserve;
  std::function<void(const std::string& reservation_id)> on_confirm;
  // When set, confirm answers this status instead of confirming.
  std::optional<int> confirm_status;

 private:
  http::response reserve(const http::request_context& rc);
  http::response confirm(const http::request_context& rc);
  http::response release(const http::request_context& rc);
  http::response reservation_reply(int status, const std::string& id, const held& h);

  http::router routes_;
};

class fake_cart {
 public:
  fake_cart();
  const http::router& routes() const { return routes_; }

  std::map<std::int64_t, std::vector<std::pair<std::int64_t, std::int64_t>>> carts;
  std::vector<json::object> checkouts;  // bodies of checkout-clear calls, with "user_id" added
  std::map<std::int64_t, bool> cleared_orders;  // order ids already applied
  // When set, checkout-clear calls are answered with this status and change nothing.
  std::optional<int> clear_status;

 private:
  http::router routes_;
};

// Records every POST it receives (delivery assignments and cancels, notification events).
class recording_upstream {
 public:
  explicit recording_upstream(std::string kind);
  const http::router& routes() const { return routes_; }

  struct call {
    std::string target;
    json::object body;
  };
  std::vector<call> calls;
  // When set, every call is answered with this status (and not recorded as handled).
  std::optional<int> answer_status;

  std::vector<call> calls_to(std::string_view target_prefix) const;

 private:
  int kind_status = 200;  // what a handled call answers
  http::router routes_;
};

}  // namespace qm::test
