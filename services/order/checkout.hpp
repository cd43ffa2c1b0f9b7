#pragma once
// The checkout saga and its recovery.
//
// A checkout claims its (user, Idempotency-Key) in order_db first, so a retry finds the
// outcome (the order, or the final refusal) and a concurrent duplicate is told to wait. Then:
// cart lines -> reserve at product (reservation id derived from user, key and attempt) ->
// price -> payment (recorded per attempt, never charged twice) -> confirm -> one transaction
// with the order, its lines, the key completed and the outbox rows. Any failure after the
// reserve was sent ends the attempt and queues the release of its reservation in the same
// transaction (compensation that survives a crash); final refusals are recorded for replay,
// transient ones leave the key free to try again.

#include <cstdint>

#include "core/http/router.hpp"
#include "core/task/task.hpp"
#include "services/order/routes.hpp"

namespace qm::order {

task<http::response> handle_checkout(order_context& c, http::request_context rc);

// Compensates pending attempts older than checkout_lease_s (their process died, or they hung):
// each is ended as retryable with the release of its reservation queued. At most one batch;
// returns how many were recovered.
task<std::int64_t> recover_stale_checkouts(order_context& c);

}  // namespace qm::order
