#pragma once
// What the simulated clients of the shop know and remember: the catalogue the admin created,
// the restocks that were acknowledged, and a ledger of every order a customer was told about.
// The shop checks compare this ledger with the services' databases after the run: what a
// client saw acknowledged must exist, once, with the right money.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace qm::sim {

struct catalogue_item {
  std::int64_t id = 0;
  std::int64_t price_paise = 0;
  std::int64_t initial_stock = 0;
};

struct acknowledged_order {
  std::size_t customer = 0;  // the workload's user index
  std::int64_t user_id = 0;
  std::string idempotency_key;
  std::int64_t order_id = 0;
  std::int64_t total_paise = 0;
};

// The admin's and partners' accounts (the admin's is the bootstrap admin of auth).
struct staff_account {
  std::string email;
  std::string password;
  std::int64_t user_id = 0;
  std::string access_token;
  std::string address;  // the simulated address it connects from
};

struct shop_world {
  bool catalogue_ready = false;
  std::vector<catalogue_item> products;
  std::vector<std::int64_t> hot_products;
  // Units per product whose restock was acknowledged, and units whose answer was lost (the
  // restock may or may not have happened).
  std::map<std::int64_t, std::int64_t> restocked_units;
  std::map<std::int64_t, std::int64_t> restock_uncertain_units;

  std::vector<acknowledged_order> acknowledged;
  // Every order id a client was given for one (user, key): more than one is a duplicate.
  std::map<std::pair<std::int64_t, std::string>, std::set<std::int64_t>> orders_by_key;
  // Customers (user index -> user id) whose last cart action was a successful checkout: their
  // cart must be empty once the order's follow-up work is done.
  std::map<std::size_t, std::int64_t> carts_expected_empty;

  staff_account admin;
  std::vector<staff_account> partners;
  std::uint64_t orders_packed = 0;
  std::uint64_t orders_picked_up = 0;
  std::uint64_t orders_delivered = 0;

  void acknowledge(const acknowledged_order& o) {
    acknowledged.push_back(o);
    orders_by_key[{o.user_id, o.idempotency_key}].insert(o.order_id);
  }
};

}  // namespace qm::sim
