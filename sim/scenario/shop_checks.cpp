#include "sim/scenario/shop_checks.hpp"

#include <map>
#include <set>
#include <string>

#include "core/sql/sql.hpp"
#include "services/common/pricing.hpp"
#include "sim/storage/storage_cluster.hpp"

namespace qm::sim {

namespace {

// The first few problems are named in the report; the rest are counted.
constexpr std::size_t max_named_problems = 5;

class findings {
 public:
  void add(std::string problem) {
    if (named_.size() < max_named_problems) {
      named_.push_back(std::move(problem));
    }
    ++count_;
  }
  check_result result(std::string measured) const {
    check_result r;
    r.passed = count_ == 0;
    r.detail = std::move(measured);
    if (count_ > 0) {
      r.detail += "; " + std::to_string(count_) + " problems:";
      for (const auto& p : named_) {
        r.detail += " [" + p + "]";
      }
    }
    return r;
  }

 private:
  std::vector<std::string> named_;
  std::size_t count_ = 0;
};

sql::rows query(const run_observations& obs, std::string_view database, std::string_view statement,
                const sql::params& args = {}) {
  return obs.storage->inspect(database, statement, args);
}

check_result no_oversell(const run_observations& obs) {
  const shop_world& w = *obs.shop;
  findings f;
  const auto rows = query(obs, "product_db",
                          "SELECT s.product_id, s.available, "
                          "COALESCE((SELECT SUM(m.quantity) FROM stock_movements m WHERE m.product_id = s.product_id), 0), "
                          "COALESCE((SELECT SUM(l.quantity) FROM reservation_lines l JOIN reservations r "
                          "ON r.id = l.reservation_id WHERE l.product_id = s.product_id AND r.status = 'held'), 0), "
                          "COALESCE((SELECT SUM(l.quantity) FROM reservation_lines l JOIN reservations r "
                          "ON r.id = l.reservation_id WHERE l.product_id = s.product_id AND r.status = 'confirmed'), 0) "
                          "FROM stock s ORDER BY s.product_id");
  std::map<std::int64_t, std::int64_t> entered_by_product;
  std::int64_t sold_total = 0;
  for (const auto& row : rows.data) {
    const std::int64_t id = row.get_int(0);
    const std::int64_t available = row.get_int(1);
    const std::int64_t entered = row.get_int(2);
    const std::int64_t held = row.get_int(3);
    const std::int64_t sold = row.get_int(4);
    sold_total += sold;
    entered_by_product[id] = entered;
    if (available < 0) {
      f.add("product " + std::to_string(id) + " has stock " + std::to_string(available));
    }
    if (available + held + sold != entered) {
      f.add("product " + std::to_string(id) + ": available " + std::to_string(available) + " + held " +
            std::to_string(held) + " + sold " + std::to_string(sold) + " != entered " + std::to_string(entered));
    }
  }
  for (const auto& item : w.products) {
    const auto it = entered_by_product.find(item.id);
    const std::int64_t told = item.initial_stock + (w.restocked_units.count(item.id) ? w.restocked_units.at(item.id) : 0);
    const std::int64_t maybe = w.restock_uncertain_units.count(item.id) ? w.restock_uncertain_units.at(item.id) : 0;
    const std::int64_t entered = it == entered_by_product.end() ? 0 : it->second;
    if (entered < told || entered > told + maybe) {
      f.add("product " + std::to_string(item.id) + ": " + std::to_string(entered) + " units entered, the admin was told " +
            std::to_string(told) + (maybe > 0 ? " (+" + std::to_string(maybe) + " unanswered)" : ""));
    }
  }
  return f.result(std::to_string(rows.size()) + " products, " + std::to_string(sold_total) + " units sold");
}

check_result no_duplicate_orders(const run_observations& obs) {
  const shop_world& w = *obs.shop;
  findings f;
  for (const auto& [key, ids] : w.orders_by_key) {
    if (ids.size() > 1) {
      f.add("user " + std::to_string(key.first) + " key " + key.second + " was given " +
            std::to_string(ids.size()) + " order ids");
    }
  }
  const auto dup = query(obs, "order_db",
                         "SELECT user_id, idem_key, COUNT(*) FROM orders GROUP BY user_id, idem_key "
                         "HAVING COUNT(*) > 1 ORDER BY user_id, idem_key");
  for (const auto& row : dup.data) {
    f.add("user " + std::to_string(row.get_int(0)) + " key " + row.get_text(1) + " has " +
          std::to_string(row.get_int(2)) + " orders");
  }
  const auto total = query(obs, "order_db", "SELECT COUNT(*) FROM orders");
  return f.result(std::to_string(total.front().get_int(0)) + " orders, " +
                  std::to_string(w.orders_by_key.size()) + " keys acknowledged");
}

check_result acknowledged_orders_exist(const run_observations& obs) {
  const shop_world& w = *obs.shop;
  findings f;
  for (const auto& ack : w.acknowledged) {
    const auto rows = query(obs, "order_db",
                            "SELECT user_id, idem_key, status, total_paise FROM orders WHERE id = $1",
                            {ack.order_id});
    if (rows.empty()) {
      f.add("order " + std::to_string(ack.order_id) + " (key " + ack.idempotency_key + ") does not exist");
      continue;
    }
    const auto& row = rows.front();
    if (row.get_int(0) != ack.user_id || row.get_text(1) != ack.idempotency_key) {
      f.add("order " + std::to_string(ack.order_id) + " belongs to another user or key");
    }
    if (row.get_int(3) != ack.total_paise) {
      f.add("order " + std::to_string(ack.order_id) + " totals " + std::to_string(row.get_int(3)) +
            ", the client was shown " + std::to_string(ack.total_paise));
    }
  }
  const auto states = query(obs, "order_db", "SELECT status, COUNT(*) FROM orders GROUP BY status ORDER BY status");
  std::string by_status;
  for (const auto& row : states.data) {
    by_status += (by_status.empty() ? "" : ", ") + row.get_text(0) + " " + std::to_string(row.get_int(1));
  }
  return f.result(std::to_string(w.acknowledged.size()) + " acknowledged orders; in order_db: " +
                  (by_status.empty() ? "none" : by_status));
}

check_result money_adds_up(const run_observations& obs) {
  findings f;
  const auto orders = query(obs, "order_db",
                            "SELECT o.id, o.subtotal_paise, o.delivery_fee_paise, o.total_paise, o.reservation_id, "
                            "COALESCE((SELECT SUM(l.price_paise * l.quantity) FROM order_lines l WHERE l.order_id = o.id), -1) "
                            "FROM orders o ORDER BY o.id");
  std::int64_t revenue = 0;
  for (const auto& row : orders.data) {
    const std::int64_t id = row.get_int(0);
    const std::int64_t subtotal = row.get_int(1);
    const std::int64_t fee = row.get_int(2);
    const std::int64_t total = row.get_int(3);
    revenue += total;
    if (row.get_int(5) != subtotal) {
      f.add("order " + std::to_string(id) + ": lines add to " + std::to_string(row.get_int(5)) +
            ", subtotal says " + std::to_string(subtotal));
    }
    if (fee != services::delivery_fee_for(subtotal) || total != subtotal + fee) {
      f.add("order " + std::to_string(id) + ": fee " + std::to_string(fee) + ", total " +
            std::to_string(total) + " for subtotal " + std::to_string(subtotal));
    }
    // The lines are what product reserved: same products, quantities and prices.
    const auto lines = query(obs, "order_db",
                             "SELECT product_id, quantity, price_paise FROM order_lines WHERE order_id = $1 "
                             "ORDER BY product_id",
                             {id});
    const auto reserved = query(obs, "product_db",
                                "SELECT product_id, quantity, price_paise FROM reservation_lines "
                                "WHERE reservation_id = $1 ORDER BY product_id",
                                {row.get_text(4)});
    bool same = lines.size() == reserved.size();
    for (std::size_t i = 0; same && i < lines.size(); ++i) {
      for (std::size_t col = 0; col < 3; ++col) {
        same = same && lines.data[i].get_int(col) == reserved.data[i].get_int(col);
      }
    }
    if (!same) {
      f.add("order " + std::to_string(id) + ": its lines differ from reservation " + row.get_text(4));
    }
  }
  return f.result(std::to_string(orders.size()) + " orders, " + std::to_string(revenue) + " paise");
}

check_result carts_cleared(const run_observations& obs) {
  findings f;
  for (const auto& [customer, user_id] : obs.shop->carts_expected_empty) {
    const auto rows = query(obs, "cart_db", "SELECT COUNT(*) FROM cart_lines WHERE user_id = $1", {user_id});
    if (rows.front().get_int(0) != 0) {
      f.add("customer " + std::to_string(customer) + " (user " + std::to_string(user_id) + ") still has " +
            std::to_string(rows.front().get_int(0)) + " lines");
    }
  }
  return f.result(std::to_string(obs.shop->carts_expected_empty.size()) + " carts expected empty");
}

check_result no_dangling_reservations(const run_observations& obs) {
  findings f;
  // The sweep runs every reservation_sweep_ms; a second of slack covers its period.
  const std::int64_t settled_s = to_unix_seconds(obs.settled_at);
  const auto stale = query(obs, "product_db",
                           "SELECT id, expires_at FROM reservations WHERE status = 'held' AND expires_at + 2 < $1 "
                           "ORDER BY id",
                           {settled_s});
  for (const auto& row : stale.data) {
    f.add("reservation " + row.get_text(0) + " still held, expired at " + std::to_string(row.get_int(1)));
  }
  std::map<std::string, std::string> reservation_status;
  const auto reservations = query(obs, "product_db", "SELECT id, status FROM reservations WHERE tombstone = 0 ORDER BY id");
  for (const auto& row : reservations.data) {
    reservation_status[row.get_text(0)] = row.get_text(1);
  }
  std::set<std::string> owned;
  const auto orders = query(obs, "order_db", "SELECT id, status, reservation_id FROM orders ORDER BY id");
  for (const auto& row : orders.data) {
    const std::string& rid = row.get_text(2);
    owned.insert(rid);
    const auto it = reservation_status.find(rid);
    const std::string status = it == reservation_status.end() ? "missing" : it->second;
    const bool cancelled = row.get_text(1) == "cancelled";
    if (!cancelled && status != "confirmed") {
      f.add("order " + std::to_string(row.get_int(0)) + " is " + row.get_text(1) + " but its reservation is " + status);
    }
    if (cancelled && status != "released") {
      f.add("cancelled order " + std::to_string(row.get_int(0)) + " still has its reservation " + status);
    }
  }
  std::size_t confirmed = 0;
  for (const auto& [rid, status] : reservation_status) {
    if (status != "confirmed") {
      continue;
    }
    ++confirmed;
    if (!owned.contains(rid)) {
      f.add("reservation " + rid + " is confirmed but no order has it");
    }
  }
  return f.result(std::to_string(reservation_status.size()) + " reservations, " + std::to_string(confirmed) +
                  " confirmed, " + std::to_string(orders.size()) + " orders");
}

}  // namespace

check_result evaluate_shop_check(const check_spec& c, const run_observations& obs) {
  QM_ASSERT_MSG(obs.shop != nullptr && obs.storage != nullptr, "the loader admits shop checks only with a shop");
  if (!obs.shop->catalogue_ready) {
    check_result r;
    r.passed = false;
    r.detail = "the catalogue was never set up, so there is nothing to check";
    return r;
  }
  try {
    switch (c.kind) {
      case check_kind::no_oversell: return no_oversell(obs);
      case check_kind::no_duplicate_orders: return no_duplicate_orders(obs);
      case check_kind::acknowledged_orders_exist: return acknowledged_orders_exist(obs);
      case check_kind::money_adds_up: return money_adds_up(obs);
      case check_kind::carts_cleared: return carts_cleared(obs);
      case check_kind::no_dangling_reservations: return no_dangling_reservations(obs);
      default: break;
    }
  } catch (const sql::db_exception& e) {
    check_result r;
    r.passed = false;
    r.detail = std::string("could not read the databases: ") + e.what();
    return r;
  }
  QM_ASSERT_MSG(false, "not a shop check");
  return {};
}

}  // namespace qm::sim
