#pragma once
// The people behind the shop, simulated: the store's admin creates the catalogue before the
// customers arrive, packs confirmed orders on a loop and restocks on schedule; delivery
// partners sign up, go available, pick packed orders up and deliver them. They talk to the
// gateway like any client, so their requests meet the same faults.

#include <cstddef>
#include <map>
#include <optional>

#include "core/task/task.hpp"
#include "runtime/random.hpp"
#include "sim/scenario/client_call.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/shop_world.hpp"

namespace qm::sim {

class shop_staff {
 public:
  shop_staff(const shop_spec& spec, client_channel ch, rt::random& random, shop_world& world);

  // Categories, products with their stock, partners: retried until done or end; sets
  // world.catalogue_ready when the catalogue is in place.
  task<void> setup(time_point end);
  // Packs every confirmed order, every pack_interval, until end.
  task<void> packer(time_point end);
  // Partner index: picks assigned orders up and delivers them after delivery_time, until end.
  task<void> partner(std::size_t index, time_point end);
  // Adds units to every hot product.
  task<void> restock(std::int64_t units);

 private:
  // A call as the account; a 401 logs the account in again once and repeats the call.
  task<rt::call_result> call_as(staff_account& who, step_id step, http::request req);
  task<bool> log_in(staff_account& who);
  // Repeats a setup call until it gets a final answer (not a timeout or 5xx), a bounded
  // number of times; nullopt when it never did. who null: the call carries no token and
  // comes from address.
  task<std::optional<http::response>> persist(staff_account* who, step_id step, http::request req,
                                              time_point end, std::string_view address = {});
  task<bool> setup_catalogue(time_point end);
  task<bool> setup_partner(std::size_t index, time_point end);

  const shop_spec& spec_;
  client_channel ch_;
  rt::random& random_;
  shop_world& world_;
  std::map<std::int64_t, time_point> picked_up_at_;  // order id -> pickup time (this partner set)
};

}  // namespace qm::sim
