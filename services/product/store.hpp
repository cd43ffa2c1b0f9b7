#pragma once
// Every SQL statement of the product service, run through rt::storage with $n parameters
// and a timeout. Database failures come back as sql::error for the handler to map
// (transient errors become 503).
//
// Stock never goes negative: a reservation takes units with a conditional
// UPDATE ... WHERE available >= quantity whose affected-row count is checked, every line of a
// reservation in one transaction (all lines or none), and the CHECK (available >= 0) of the
// schema stays as the last line. Every status change of a reservation is conditional on the
// status it was read in, so two concurrent requests can never both give its units back.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/migrations.hpp"
#include "runtime/storage.hpp"
#include "services/product/domain/listing.hpp"
#include "services/product/domain/requests.hpp"
#include "services/product/domain/reservation.hpp"

namespace qm::product {

// product_db's schema migrations, in order (schema.sql, then schema_v2.sql to schema_v4.sql).
std::span<const rt::migration> product_migrations();

template <typename T>
using db_result = result<T, sql::error>;

struct category {
  std::int64_t id = 0;
  std::string name;
};

struct product {
  std::int64_t id = 0;
  std::int64_t category_id = 0;
  std::string name;
  std::string description;
  std::int64_t price_paise = 0;
};

struct product_detail {
  product item;
  std::int64_t available = 0;  // units in stock; 0 when the product has no stock row
};

// A product as the admin routes show it: active or not, with its stock.
struct admin_product {
  product item;
  bool active = true;
  std::int64_t available = 0;
};

// What the batch lookup gives a cart to price its lines.
struct product_summary {
  std::int64_t id = 0;
  std::string name;
  std::int64_t price_paise = 0;
  bool active = true;
  std::int64_t available = 0;
};

struct reserved_line {
  std::int64_t product_id = 0;
  std::string name;
  std::int64_t quantity = 0;
  std::int64_t price_paise = 0;  // the unit price when the reservation was made
};

struct reservation {
  std::string id;
  reservation_status status = reservation_status::held;
  bool tombstone = false;  // released before it was ever made; has no lines
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::vector<reserved_line> lines;  // ordered by product id

  std::int64_t subtotal_paise() const;
  std::vector<line_request> requested() const;
};

enum class reserve_outcome : std::uint8_t {
  created,              // stored now; stored holds it
  existing,             // the same id with the same lines: stored holds it as it is now
  conflict,             // the same id with different lines
  released,             // the id is a tombstone
  insufficient_stock,   // shortages says which lines; nothing was taken
  product_unavailable,  // unavailable_product_ids are unknown or inactive; nothing was taken
};

struct reserve_result {
  reserve_outcome outcome = reserve_outcome::created;
  reservation stored;
  std::vector<shortage> shortages;
  std::vector<std::int64_t> unavailable_product_ids;
};

enum class create_outcome : std::uint8_t { created, name_taken, id_taken, no_such_category };
enum class update_outcome : std::uint8_t { updated, not_found, no_such_category };

struct admin_change {
  update_outcome outcome = update_outcome::updated;
  std::optional<admin_product> item;
};

struct product_stats {
  std::int64_t products_active = 0;
  std::int64_t products_out_of_stock = 0;  // active products with no units available
  std::int64_t reservations_held = 0;
  std::int64_t units_available = 0;        // over active products
};

// The category list is small by nature; the bound keeps a runaway table from becoming a
// runaway response.
inline constexpr std::int64_t max_categories = 1000;
// Reservations one sweep pass expires at most (one transaction).
inline constexpr std::int64_t max_sweep_batch = 100;
// A reservation transaction that lost a race (PostgreSQL) is run again at most this often.
inline constexpr int max_reserve_attempts = 4;

// A listing page as list_products read it.
struct listing_read {
  std::int64_t catalogue_version = 0;
  std::optional<std::vector<product>> items;  // absent: the catalogue is still at known_version
};

class product_store {
 public:
  product_store(rt::storage& db, duration timeout) : db_(db), timeout_(timeout) {}

  // Catalogue.
  // Categories by name, at most max_categories.
  task<db_result<std::vector<category>>> list_categories();
  // One page of active products matching q, ordered by id, read with the catalogue's version
  // (schema_v4.sql); when that is still known_version the page is not read again.
  task<db_result<listing_read>> list_products(listing_query q,
                                              std::optional<std::int64_t> known_version = {});
  // The product with its stock when it exists and is active.
  task<db_result<std::optional<product_detail>>> find_active(std::int64_t id);
  // The products among ids (active or not) with their stock, ordered by id.
  task<db_result<std::vector<product_summary>>> find_many(std::vector<std::int64_t> ids);

  // Reservations (now_s, expires_at_s: unix seconds).
  // Reserves every line of in or none, idempotently by in.reservation_id.
  task<db_result<reserve_result>> reserve(reserve_input in, std::int64_t now_s,
                                          std::int64_t expires_at_s);
  // The status after a confirm (see on_confirm), or nullopt for an unknown id.
  task<db_result<std::optional<reservation_status>>> confirm(std::string id, std::int64_t now_s);
  // The status after a release (see on_release); an unknown id becomes a tombstone.
  task<db_result<reservation_status>> release(std::string id, std::int64_t now_s);
  task<db_result<std::optional<reservation>>> find_reservation(std::string id);
  // Expires up to max_batch held reservations whose expiry is at or before now_s, giving
  // their units back; the number expired.
  task<db_result<std::int64_t>> sweep_expired(std::int64_t now_s,
                                              std::int64_t max_batch = max_sweep_batch);

  // Administration. movement_id: a fresh random id for the stock ledger row.
  task<db_result<create_outcome>> create_category(category c);
  task<db_result<std::pair<create_outcome, std::optional<admin_product>>>> create_product(
      std::int64_t id, new_product_input in, std::int64_t movement_id, std::int64_t now_s);
  task<db_result<admin_change>> update_product(std::int64_t id, product_patch patch);
  // Marks the product inactive (rows are never deleted: reservations refer to them).
  task<db_result<std::optional<admin_product>>> deactivate(std::int64_t id);
  // Adds quantity units; the available units after, or nullopt for an unknown product.
  task<db_result<std::optional<std::int64_t>>> restock(std::int64_t id, std::int64_t quantity,
                                                       std::int64_t movement_id, std::int64_t now_s);
  // One page of products (inactive ones too when asked) with their stock, ordered by id.
  task<db_result<std::vector<admin_product>>> list_admin(admin_listing_query q);
  task<db_result<product_stats>> stats();

 private:
  rt::storage& db_;
  duration timeout_;
};

}  // namespace qm::product
