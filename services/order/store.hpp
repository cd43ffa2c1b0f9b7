#pragma once
// Every SQL statement of the order service, run through rt::storage with $n parameters and a
// timeout: checkout keys, payments, orders and their lines, and the outbox. Methods answer in
// domain terms; database failures come back as sql::error for the caller to map (transient
// errors become 503).

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
#include "services/order/domain/order.hpp"
#include "services/order/domain/outbox_messages.hpp"
#include "services/order/domain/status.hpp"

namespace qm::order {

template <typename T>
using db_result = result<T, sql::error>;

// One attempt of one checkout key.
struct checkout_ref {
  std::int64_t user_id = 0;
  std::string key;
  std::int64_t attempt = 0;
  std::string reservation_id;
};

enum class claim_kind : std::uint8_t {
  started,      // this request owns a new attempt (ref says which)
  in_progress,  // another attempt is running
  completed,    // the key already made order_id
  failed,       // the key was refused for good: replay failure_status/failure_body
  mismatch,     // the key was first used with another request
};

struct claim {
  claim_kind kind = claim_kind::started;
  checkout_ref ref;
  std::optional<std::int64_t> order_id;
  int failure_status = 0;
  std::string failure_body;
};

// A final refusal to record for a key, replayed to every retry of it.
struct failure_reply {
  int status = 0;
  std::string body;
};

enum class complete_outcome : std::uint8_t {
  completed,   // order, lines, key and outbox rows committed together
  lease_lost,  // the attempt is no longer pending (the recovery sweep took it): nothing written
  id_taken,    // the order id collided: nothing written, pick another
};

enum class payment_status : std::uint8_t { captured, declined, refunded };

struct payment_record {
  std::int64_t payment_id = 0;
  std::int64_t amount_paise = 0;
  payment_status status = payment_status::captured;
};

// The request an outbox message is owed by, so that its delivery continues that request's
// trace. Both empty for a message written outside a request (or before migration 2).
struct message_origin {
  std::string request_id;
  std::string traceparent;  // of a call made inside the request's span (child_traceparent())
};

// An outbox message with its id (chosen by the caller) and delivery state.
struct outbox_row {
  std::int64_t id = 0;
  outbox_message message;
  std::int64_t attempts = 0;
  message_origin origin;
};

struct order_filter {
  std::optional<std::int64_t> user_id;
  std::optional<order_status> status;
  std::int64_t limit = 20;
  std::int64_t offset = 0;
};

enum class change_outcome : std::uint8_t { changed, unchanged, illegal, not_found };

struct status_change {
  change_outcome outcome = change_outcome::not_found;
  std::optional<order_record> order;  // as stored afterwards, unless not_found
};

struct order_stats {
  std::map<std::string, std::int64_t> orders_by_status;  // every status, 0 when none
  std::int64_t revenue_paise = 0;                        // total of orders not cancelled
};

// Bounds on what one call reads.
inline constexpr std::int64_t max_page = 100;
inline constexpr std::int64_t max_lines_per_order = 100;
// Outbox ids a status change may need (cancel: release, delivery cancel, notification).
inline constexpr std::size_t ids_per_change = 3;

// Whether an attempt that ends may have a payment on record.
enum class attempt_payment : std::uint8_t {
  none,      // it ended before asking for one: only the attempt's owner records its payment
  possible,  // it paid, or may have (the recovery sweep cannot know)
};

// order_db's schema migrations, in order (schema.sql, then schema_v2.sql to schema_v4.sql).
std::span<const rt::migration> order_migrations();

class order_store {
 public:
  order_store(rt::storage& db, duration timeout) : db_(db), timeout_(timeout) {}

  // --- checkout keys -------------------------------------------------------------------------
  // Starts an attempt for (user_id, key) unless one is pending or the key is settled. A new key
  // starts at attempt 1; a retryable one at its next attempt. A key first used with another
  // request_digest is a mismatch, whatever its state.
  task<db_result<claim>> claim_checkout(std::int64_t user_id, std::string key,
                                        std::string request_digest, std::int64_t now_s);
  // In one transaction: the order, its lines, the key completed and the outbox rows, provided
  // the attempt is still pending.
  task<db_result<complete_outcome>> complete_checkout(checkout_ref ref, order_record o,
                                                      std::vector<outbox_row> messages,
                                                      std::int64_t now_s);
  // Ends a pending attempt without an order: failed with `final_reply`, or retryable when it is
  // unset; refunds its payment unless `paid` says there can be none; queues `release` when
  // given. False when the attempt was no longer pending (then nothing is written: whoever took
  // it compensates).
  task<db_result<bool>> end_attempt(checkout_ref ref, std::optional<failure_reply> final_reply,
                                    std::optional<outbox_row> release, attempt_payment paid,
                                    std::int64_t now_s);
  // Pending attempts claimed at or before cutoff_s, oldest first, at most limit.
  task<db_result<std::vector<checkout_ref>>> stale_checkouts(std::int64_t cutoff_s,
                                                             std::int64_t limit);
  // The key's row as stored (for tests and operators).
  task<db_result<std::optional<claim>>> find_checkout(std::int64_t user_id, std::string key);

  // --- payments ------------------------------------------------------------------------------
  task<db_result<std::optional<payment_record>>> find_payment(checkout_ref ref);
  task<rt::db_status> record_payment(checkout_ref ref, payment_record p, std::int64_t now_s);

  // --- orders --------------------------------------------------------------------------------
  task<db_result<std::optional<order_record>>> find_order(std::int64_t id);
  // Newest first (created_at, then id, descending).
  task<db_result<std::vector<order_record>>> list_orders(order_filter f);
  // Moves the order to `to` if who may (domain/status); a changed order's outbox rows (the
  // notification, and on cancel the release and delivery cancel) are written with it, with
  // ids from `ids` and the origin of the request that moved it. partner_id, when given, is
  // recorded with the move.
  task<db_result<status_change>> change_status(std::int64_t id, actor who, order_status to,
                                               std::optional<std::int64_t> partner_id,
                                               std::vector<std::int64_t> ids, std::int64_t now_s,
                                               message_origin origin = {});
  task<db_result<std::optional<order_record>>> set_partner(std::int64_t id, std::int64_t partner_id,
                                                           std::int64_t now_s);
  task<db_result<order_stats>> stats();

  // --- outbox --------------------------------------------------------------------------------
  // Pending rows due at now_s, in delivery order, skipping any row behind an earlier pending
  // row of the same order and upstream; at most limit.
  task<db_result<std::vector<outbox_row>>> due_outbox(std::int64_t now_s, std::int64_t limit);
  task<rt::db_status> outbox_done(std::int64_t id, std::int64_t attempts);
  task<rt::db_status> outbox_retry(std::int64_t id, std::int64_t attempts,
                                   std::int64_t next_attempt_at, std::string error);
  task<rt::db_status> outbox_dead(std::int64_t id, std::int64_t attempts, std::string error);
  // Deletes at most limit delivered rows created before before_s (oldest first), so the
  // table holds what is owed and recently sent rather than all history. Dead rows stay for
  // operators. Returns how many went.
  task<db_result<std::int64_t>> prune_outbox(std::int64_t before_s, std::int64_t limit);
  // Rows by state ("pending", "done", "dead"), for stats and tests.
  task<db_result<std::int64_t>> count_outbox(std::string state);

 private:
  rt::storage& db_;
  duration timeout_;
};

}  // namespace qm::order
