// Reservation arithmetic against a model. Random sequences of reserve, confirm, release,
// time passing (then the expiry sweep) and restock, over a few products with small stock:
//
// - the pure rules (find_shortages and the transitions of domain/reservation.hpp), driven by
//   a small interpreter, give the model's answers and keep the stock balanced;
// - the real service on SQLite, driven through its routes, gives the model's answers too,
//   op by op, with the same stock per product, and product_db stays balanced
//   (available + held + confirmed == initial + restocked, available >= 0) after every op.

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "services/product/domain/reservation.hpp"
#include "tests/unit/product/product_fixture.hpp"

namespace qm::test {
namespace {

using product::reservation_status;

constexpr std::int64_t ttl_s = 300;
constexpr int product_count = 4;
constexpr int id_count = 6;

enum class op_kind { reserve, confirm, release, wait_and_sweep, restock };

struct op {
  op_kind kind = op_kind::reserve;
  int id = 0;                             // reservation "r<id>"
  std::map<std::int64_t, std::int64_t> lines;  // reserve: product -> quantity
  std::int64_t product = 1;               // restock
  std::int64_t quantity = 1;              // restock
  std::int64_t wait_s = 0;                // wait_and_sweep
};

std::ostream& operator<<(std::ostream& os, const op& o) {
  switch (o.kind) {
    case op_kind::reserve:
      os << "reserve r" << o.id << " {";
      for (const auto& [p, q] : o.lines) {
        os << " " << p << "x" << q;
      }
      return os << " }";
    case op_kind::confirm: return os << "confirm r" << o.id;
    case op_kind::release: return os << "release r" << o.id;
    case op_kind::wait_and_sweep: return os << "wait " << o.wait_s << " s, sweep";
    case op_kind::restock: return os << "restock " << o.product << " +" << o.quantity;
  }
  return os;
}

rc::Gen<op> gen_op() {
  return rc::gen::exec([] {
    op o;
    o.kind = static_cast<op_kind>(*rc::gen::inRange(0, 5));
    o.id = *rc::gen::inRange(0, id_count);
    const int line_count = *rc::gen::inRange(1, 4);
    for (int i = 0; i < line_count; ++i) {
      o.lines.emplace(*rc::gen::inRange<std::int64_t>(1, product_count + 1),
                      *rc::gen::inRange<std::int64_t>(1, 7));
    }
    o.product = *rc::gen::inRange<std::int64_t>(1, product_count + 1);
    o.quantity = *rc::gen::inRange<std::int64_t>(1, 11);
    o.wait_s = *rc::gen::element<std::int64_t>(0, 1, 100, 299, 300, 1000);
    return o;
  });
}

// What a request answered: the HTTP status and the error code, or the reservation status.
struct answer {
  int status = 0;
  std::string what;

  bool operator==(const answer&) const = default;
};

std::ostream& operator<<(std::ostream& os, const answer& a) {
  return os << a.status << " " << a.what;
}

// The model: plain maps and the rules of the contract, written out directly.
class model {
 public:
  explicit model(std::map<std::int64_t, std::int64_t> stock) : available_(stock), received_(stock) {}

  answer apply(const op& o) {
    const std::string id = "r" + std::to_string(o.id);
    switch (o.kind) {
      case op_kind::reserve: return reserve(id, o.lines);
      case op_kind::confirm: return confirm(id);
      case op_kind::release: return release(id);
      case op_kind::wait_and_sweep:
        now_s_ += o.wait_s;
        for (auto& [rid, r] : reservations_) {
          if (r.status == "held" && r.expires_at <= now_s_) {
            give_back(r);
            r.status = "expired";
          }
        }
        return {0, ""};
      case op_kind::restock:
        available_[o.product] += o.quantity;
        received_[o.product] += o.quantity;
        return {200, ""};
    }
    return {};
  }

  const std::map<std::int64_t, std::int64_t>& available() const { return available_; }

  // available + held + confirmed == received, available >= 0, per product.
  bool balanced() const {
    std::map<std::int64_t, std::int64_t> reserved;
    for (const auto& [rid, r] : reservations_) {
      if (r.status == "held" || r.status == "confirmed") {
        for (const auto& [p, q] : r.lines) {
          reserved[p] += q;
        }
      }
    }
    for (const auto& [p, got] : received_) {
      const std::int64_t have = available_.at(p);
      if (have < 0 || have + reserved[p] != got) {
        return false;
      }
    }
    return true;
  }

 private:
  struct res {
    std::map<std::int64_t, std::int64_t> lines;
    std::string status;
    std::int64_t expires_at = 0;
    bool tombstone = false;
  };

  void give_back(const res& r) {
    for (const auto& [p, q] : r.lines) {
      available_[p] += q;
    }
  }

  answer reserve(const std::string& id, const std::map<std::int64_t, std::int64_t>& lines) {
    if (auto it = reservations_.find(id); it != reservations_.end()) {
      if (it->second.tombstone) {
        return {409, "reservation_released"};
      }
      return it->second.lines == lines ? answer{200, it->second.status}
                                       : answer{409, "reservation_conflict"};
    }
    for (const auto& [p, q] : lines) {
      if (q > available_[p]) {
        return {409, "insufficient_stock"};
      }
    }
    for (const auto& [p, q] : lines) {
      available_[p] -= q;
    }
    reservations_[id] = res{lines, "held", now_s_ + ttl_s, false};
    return {201, "held"};
  }

  answer confirm(const std::string& id) {
    auto it = reservations_.find(id);
    if (it == reservations_.end()) {
      return {404, "not_found"};
    }
    res& r = it->second;
    if (r.status == "held" && now_s_ >= r.expires_at) {
      give_back(r);
      r.status = "expired";
    }
    if (r.status == "held" || r.status == "confirmed") {
      r.status = "confirmed";
      return {200, "confirmed"};
    }
    return {409, r.status == "expired" ? "reservation_expired" : "reservation_released"};
  }

  answer release(const std::string& id) {
    auto it = reservations_.find(id);
    if (it == reservations_.end()) {
      reservations_[id] = res{{}, "released", now_s_, true};
      return {200, "released"};
    }
    res& r = it->second;
    if (r.status == "held" || r.status == "confirmed") {
      give_back(r);
      r.status = "released";
    }
    return {200, r.status};
  }

  std::map<std::int64_t, std::int64_t> available_;
  std::map<std::int64_t, std::int64_t> received_;
  std::map<std::string, res> reservations_;
  std::int64_t now_s_ = 0;
};

// The pure rules of domain/reservation.hpp driven directly, with no storage.
class rules_interpreter {
 public:
  explicit rules_interpreter(std::map<std::int64_t, std::int64_t> stock) : available_(stock) {}

  answer apply(const op& o) {
    const std::string id = "r" + std::to_string(o.id);
    switch (o.kind) {
      case op_kind::reserve: {
        std::vector<product::line_request> lines;
        for (const auto& [p, q] : o.lines) {
          lines.push_back({p, q});
        }
        auto normalized = product::normalize_lines(lines);
        RC_ASSERT(normalized.ok());
        if (auto it = held_.find(id); it != held_.end()) {
          if (it->second.tombstone) {
            return {409, "reservation_released"};
          }
          return product::same_lines(it->second.lines, *normalized)
                     ? answer{200, std::string(product::to_string(it->second.status))}
                     : answer{409, "reservation_conflict"};
        }
        if (!product::find_shortages(*normalized, available_).empty()) {
          return {409, "insufficient_stock"};
        }
        for (const auto& l : *normalized) {
          available_[l.product_id] -= l.quantity;
          RC_ASSERT(available_[l.product_id] >= 0);
        }
        held_[id] = entry{*normalized, reservation_status::held, now_s_ + ttl_s, false};
        return {201, "held"};
      }
      case op_kind::confirm: {
        auto it = held_.find(id);
        if (it == held_.end()) {
          return {404, "not_found"};
        }
        const auto t = product::on_confirm(it->second.status, now_s_ >= it->second.expires_at);
        step(it->second, t);
        if (t.next == reservation_status::confirmed) {
          return {200, "confirmed"};
        }
        return {409, t.next == reservation_status::expired ? "reservation_expired"
                                                           : "reservation_released"};
      }
      case op_kind::release: {
        auto it = held_.find(id);
        if (it == held_.end()) {
          held_[id] = entry{{}, reservation_status::released, now_s_, true};
          return {200, "released"};
        }
        const auto t = product::on_release(it->second.status);
        step(it->second, t);
        return {200, std::string(product::to_string(t.next))};
      }
      case op_kind::wait_and_sweep:
        now_s_ += o.wait_s;
        for (auto& [rid, e] : held_) {
          if (e.expires_at <= now_s_) {
            step(e, product::on_expire(e.status));
          }
        }
        return {0, ""};
      case op_kind::restock:
        available_[o.product] += o.quantity;
        return {200, ""};
    }
    return {};
  }

  const std::map<std::int64_t, std::int64_t>& available() const { return available_; }

 private:
  struct entry {
    std::vector<product::line_request> lines;
    reservation_status status = reservation_status::held;
    std::int64_t expires_at = 0;
    bool tombstone = false;
  };

  void step(entry& e, product::transition t) {
    if (t.returns_stock) {
      for (const auto& l : e.lines) {
        available_[l.product_id] += l.quantity;
      }
    }
    e.status = t.next;
  }

  std::map<std::int64_t, std::int64_t> available_;
  std::map<std::string, entry> held_;
  std::int64_t now_s_ = 0;
};

std::map<std::int64_t, std::int64_t> gen_stock() {
  std::map<std::int64_t, std::int64_t> stock;
  for (std::int64_t p = 1; p <= product_count; ++p) {
    stock[p] = *rc::gen::inRange<std::int64_t>(0, 11);
  }
  return stock;
}

RC_GTEST_PROP(reservation_arithmetic, pure_rules_agree_with_the_model, ()) {
  const auto stock = gen_stock();
  const auto ops = *rc::gen::container<std::vector<op>>(gen_op());
  model m(stock);
  rules_interpreter rules(stock);
  for (const auto& o : ops) {
    const answer expected = m.apply(o);
    RC_ASSERT(rules.apply(o) == expected);
    RC_ASSERT(rules.available() == m.available());
    RC_ASSERT(m.balanced());
  }
}

// The service's answer to o, in the model's terms.
answer drive(product_host& h, const op& o) {
  const std::string id = "r" + std::to_string(o.id);
  http::response r;
  switch (o.kind) {
    case op_kind::reserve: {
      json::array lines;
      for (const auto& [p, q] : o.lines) {
        json::object l;
        l["product_id"] = p;
        l["quantity"] = q;
        lines.push_back(std::move(l));
      }
      json::object body;
      body["reservation_id"] = id;
      body["lines"] = std::move(lines);
      r = h.post("/internal/reservations", json::serialize(body));
      break;
    }
    case op_kind::confirm:
      r = h.post("/internal/reservations/" + id + "/confirm", "");
      break;
    case op_kind::release:
      r = h.post("/internal/reservations/" + id + "/release", "");
      break;
    case op_kind::wait_and_sweep:
      h.clock.advance(seconds(o.wait_s));
      // Enough passes to drain every due reservation (fewer ids than one batch).
      h.sweep();
      return {0, ""};
    case op_kind::restock:
      r = h.admin(http::method::post, "/admin/products/" + std::to_string(o.product) + "/restock",
                  "{\"quantity\":" + std::to_string(o.quantity) + "}");
      return {r.status, ""};
  }
  if (r.status >= 400) {
    return {r.status, error_code(r)};
  }
  return {r.status, std::string(parse(r).at("status").as_string())};
}

RC_GTEST_PROP(reservation_arithmetic, the_service_on_sqlite_agrees_with_the_model, ()) {
  const auto stock = gen_stock();
  const auto ops = *rc::gen::container<std::vector<op>>(gen_op());
  product_host h;
  RC_ASSERT(h.start({{"reservation_ttl_s", std::to_string(ttl_s)}}));
  // The model counts time from 0; the service from its clock at the start.
  h.add_category(1, "All");
  for (const auto& [p, units] : stock) {
    h.add_product(p, 1, "product " + std::to_string(p), 100 * p, true, units);
  }
  model m(stock);
  for (const auto& o : ops) {
    const answer expected = m.apply(o);
    const answer got = drive(h, o);
    RC_ASSERT(got == expected);
    std::map<std::int64_t, std::int64_t> available;
    for (const auto& [p, a] : h.accounts()) {
      RC_ASSERT(a.available >= 0);
      RC_ASSERT(a.available + a.reserved == a.received);
      available[p] = a.available;
    }
    RC_ASSERT(available == m.available());
  }
}

}  // namespace
}  // namespace qm::test
