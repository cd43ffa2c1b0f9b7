#pragma once
// The shop's invariants, checked after the run (and its settle time) against the services'
// own databases and the clients' ledger:
//   no_oversell               stock never negative; per product, available + held + confirmed
//                             equals the units that entered (initial + restocks), and those
//                             are what the admin was told (plus restocks whose answer was lost)
//   no_duplicate_orders       at most one order per (user, idempotency key), and a client was
//                             never given two ids for one key
//   acknowledged_orders_exist every order a client saw acknowledged exists, for that user and
//                             key, with the total the client was shown
//   money_adds_up             subtotal = sum(price x quantity), fee by the delivery rule,
//                             total = subtotal + fee, and the lines match what was reserved
//   carts_cleared             a customer whose last cart action was a successful checkout has
//                             an empty cart
//   no_dangling_reservations  nothing still held past its expiry; a confirmed reservation
//                             belongs to a live order, a live order's reservation is
//                             confirmed, a cancelled order's is released

#include "sim/scenario/checks.hpp"

namespace qm::sim {

check_result evaluate_shop_check(const check_spec& c, const run_observations& obs);

}  // namespace qm::sim
