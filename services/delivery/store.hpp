#pragma once
// Every SQL statement of the delivery service, run through rt::storage with $n parameters
// and a timeout. Each method is one transaction and answers in domain terms (assigned,
// already done, illegal); database failures come back as sql::error for the handler to map
// (transient errors become 503).
//
// Assignment is where two requests can race for one partner. A transaction reads the
// available partners, picks one with choose_partner, and claims it with a conditional UPDATE
// (... WHERE status = 'available'); when no row changed, a concurrent transaction took the
// partner first and the next best is tried. A unique index on the active assignments of a
// partner backs this up inside the database.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/migrations.hpp"
#include "runtime/storage.hpp"
#include "services/delivery/domain/geo.hpp"
#include "services/delivery/domain/inputs.hpp"
#include "services/delivery/domain/status.hpp"

namespace qm::delivery {

template <typename T>
using db_result = result<T, sql::error>;

struct partner {
  std::int64_t id = 0;  // the partner's user id
  std::string name;
  partner_status status = partner_status::offline;
  geo_point at;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct assignment {
  std::int64_t order_id = 0;
  std::optional<std::int64_t> user_id;       // absent only on a cancellation tombstone
  std::optional<std::int64_t> partner_id;    // absent while waiting
  std::optional<geo_point> destination;      // absent only on a cancellation tombstone
  assignment_status status = assignment_status::waiting;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> assigned_at;
  std::optional<std::int64_t> picked_up_at;
  std::optional<std::int64_t> delivered_at;
  std::optional<std::int64_t> cancelled_at;
  std::int64_t updated_at = 0;
};

// An order handed over by the order service: stored, and assigned when it could be.
struct placement {
  assignment placed;
  bool created = false;         // this call stored it (not a repeat)
  bool newly_assigned = false;  // this call took a partner for it
};

// What assigning the oldest waiting order did.
enum class queue_outcome : std::uint8_t {
  assigned,      // .taken holds the assignment
  none_waiting,  // the queue is empty
  no_partner,    // orders wait, but nobody is available
  raced,         // a concurrent transaction assigned that order first: try again
};

struct queue_step {
  queue_outcome outcome = queue_outcome::none_waiting;
  std::optional<assignment> taken;
};

enum class availability_outcome : std::uint8_t { changed, unchanged, not_found, busy };

// The outcome of moving an assignment along its machine.
enum class move_outcome : std::uint8_t {
  done,       // moved now
  already,    // it was already there (a retry)
  not_found,  // no such assignment (for this partner)
  illegal,    // its status does not allow the move
};

struct moved {
  move_outcome outcome = move_outcome::not_found;
  std::optional<assignment> current;  // as stored afterwards, when it exists
  std::optional<std::int64_t> freed_partner;  // a partner this move made available
};

enum class reassign_outcome : std::uint8_t {
  done,
  already,              // the order already has that partner
  order_not_found,
  illegal,              // picked up, delivered or cancelled
  partner_not_found,
  partner_unavailable,  // the partner is offline or busy with another order
};

struct reassigned {
  reassign_outcome outcome = reassign_outcome::order_not_found;
  std::optional<assignment> current;
  std::optional<std::int64_t> freed_partner;  // the previous partner, now available
};

struct tracking_view {
  assignment order;
  std::optional<partner> carrier;  // the assigned partner, when there is one
};

struct delivery_stats {
  std::map<std::string, std::int64_t> partners_by_status;  // every status, zero included
  std::int64_t orders_waiting = 0;
  std::int64_t active_assignments = 0;
};

// Assignment looks at this many available partners at most (by id); a bound on one
// transaction's work. Past it, a geographic index would be the next step.
inline constexpr std::int64_t max_candidate_partners = 2000;

// delivery_db's schema migrations, in order (schema.sql, then schema_v2.sql to schema_v4.sql).
std::span<const rt::migration> delivery_migrations();

class delivery_store {
 public:
  delivery_store(rt::storage& db, duration timeout) : db_(db), timeout_(timeout) {}

  // Creates the partner (offline) or updates its name and position.
  task<db_result<partner>> upsert_partner(std::int64_t id, std::string name, geo_point at,
                                          std::int64_t now_s);
  task<db_result<std::optional<partner>>> find_partner(std::int64_t id);
  // available <-> offline; a busy partner can do neither (busy ends with a delivery).
  task<db_result<std::pair<availability_outcome, std::optional<partner>>>> set_availability(
      std::int64_t id, partner_status to, std::int64_t now_s);
  task<db_result<std::optional<partner>>> update_location(std::int64_t id, geo_point at,
                                                          std::int64_t now_s);
  // Partners by id, optionally of one status.
  task<db_result<std::vector<partner>>> list_partners(std::optional<partner_status> status,
                                                      page p);

  // The partner's assignments: active first, then the most recent.
  task<db_result<std::vector<assignment>>> partner_assignments(std::int64_t partner_id, page p);
  task<db_result<std::optional<assignment>>> find_assignment(std::int64_t order_id);
  task<db_result<std::optional<tracking_view>>> tracking(std::int64_t order_id);

  // Records the order (idempotent by order id) and, unless older orders are waiting, gives
  // it the available partner nearest to store.
  task<db_result<placement>> place_order(new_assignment_input order, geo_point store,
                                         std::int64_t now_s);
  // Gives the oldest waiting order the available partner nearest to store.
  task<db_result<queue_step>> assign_oldest_waiting(geo_point store, std::int64_t now_s);

  // assigned -> picked_up, by the assigned partner.
  task<db_result<moved>> mark_picked_up(std::int64_t order_id, std::int64_t partner_id,
                                        std::int64_t now_s);
  // picked_up -> delivered, by the assigned partner, who becomes available.
  task<db_result<moved>> mark_delivered(std::int64_t order_id, std::int64_t partner_id,
                                        std::int64_t now_s);
  // waiting|assigned -> cancelled, freeing the partner. An unknown order is recorded as a
  // cancelled tombstone so that a late hand-over of it is not assigned.
  task<db_result<moved>> cancel(std::int64_t order_id, std::int64_t now_s);
  // Gives a waiting or assigned order to partner_id (available), freeing the previous one.
  task<db_result<reassigned>> reassign(std::int64_t order_id, std::int64_t partner_id,
                                       std::int64_t now_s);

  task<db_result<delivery_stats>> stats();

 private:
  // assigned -> picked_up or picked_up -> delivered, by the assigned partner (who is freed
  // by a delivery).
  task<db_result<moved>> partner_move(std::int64_t order_id, std::int64_t partner_id,
                                      assignment_status from, assignment_status to,
                                      std::int64_t now_s);
  rt::storage& db_;
  duration timeout_;
};

}  // namespace qm::delivery
