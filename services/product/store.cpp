#include "services/product/store.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "product_schema_sql.hpp"
#include "product_schema_v2_sql.hpp"
#include "product_schema_v3_sql.hpp"
#include "product_schema_v4_sql.hpp"
#include "core/base/append_int.hpp"
#include "core/base/assert.hpp"
#include "services/product/summary_reads.hpp"

namespace qm::product {

namespace {

// Statements built from a column list are built once, into function-local statics: one text at
// one address, which the SQLite statement cache finds without hashing it on every run.
constexpr std::string_view product_columns =
    "p.id, p.category_id, p.name, p.description, p.price_paise";
// product_columns, then the active flag and the stock (columns 5 and 6).
constexpr std::string_view admin_columns =
    "p.id, p.category_id, p.name, p.description, p.price_paise, p.active, "
    "COALESCE(s.available, 0)";

// Moves the texts out of r, which is read once.
product product_from_row(sql::row& r) {
  return product{r.get_int(0), r.get_int(1), r.take_text(2), r.take_text(3), r.get_int(4)};
}

admin_product admin_from_row(sql::row& r) {
  return admin_product{product_from_row(r), r.get_int(5) == 1, r.get_int(6)};
}

// The listing statement for the filters q sets, with its arguments in placeholder order.
std::pair<std::string, sql::params> listing_statement(const listing_query& q, bool admin,
                                                      bool include_inactive) {
  std::string statement =
      admin ? "SELECT " + std::string(admin_columns) +
                  " FROM products p LEFT JOIN stock s ON s.product_id = p.id WHERE " +
                  (include_inactive ? "1 = 1" : "p.active = 1")
            : "SELECT " + std::string(product_columns) + " FROM products p WHERE p.active = 1";
  sql::params args;
  const auto next = [&args] { return "$" + std::to_string(args.size() + 1); };
  if (q.category_id) {
    statement += " AND p.category_id = " + next();
    args.emplace_back(*q.category_id);
  }
  if (q.search) {
    statement += " AND lower(p.name) LIKE lower(" + next() + ") ESCAPE '\\'";
    args.emplace_back(contains_pattern(*q.search));
  }
  statement += " ORDER BY p.id LIMIT " + next();
  args.emplace_back(q.limit);
  statement += " OFFSET " + next();
  args.emplace_back(q.offset);
  return {std::move(statement), std::move(args)};
}

std::optional<admin_product> load_admin(sql::transaction& tx, std::int64_t id) {
  auto rows = tx.exec("SELECT " + std::string(admin_columns) +
                          " FROM products p LEFT JOIN stock s ON s.product_id = p.id "
                          "WHERE p.id = $1",
                      {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return admin_from_row(rows.data.front());
}

std::int64_t catalogue_version(sql::transaction& tx) {
  auto rows = tx.exec("SELECT version FROM catalogue_version WHERE id = 1");
  QM_ASSERT_MSG(!rows.empty(), "migration 4 seeds the catalogue version");
  return rows.front().get_int(0);
}

// Every write that changes what the public listing shows calls this in its transaction.
void catalogue_changed(sql::transaction& tx) {
  tx.exec("UPDATE catalogue_version SET version = version + 1 WHERE id = 1");
}

bool exists(sql::transaction& tx, std::string_view statement, const sql::params& args) {
  return !tx.exec(statement, args).empty();
}

sql::value optional_text(const std::optional<std::string>& s) {
  return s ? sql::value(*s) : sql::value(sql::null);
}

sql::value optional_int(const std::optional<std::int64_t>& n) {
  return n ? sql::value(*n) : sql::value(sql::null);
}

}  // namespace

std::span<const rt::migration> product_migrations() {
  static const std::array<rt::migration, 4> list = {
      rt::migration{1, "product_initial_schema", product_schema_sql()},
      rt::migration{2, "product_reservations", product_schema_v2_sql()},
      rt::migration{3, "product_reservation_check_without_in_list", product_schema_v3_sql()},
      rt::migration{4, "product_catalogue_version", product_schema_v4_sql()},
  };
  return list;
}

task<db_result<std::vector<category>>> product_store::list_categories() {
  auto body = [](sql::transaction& tx) {
    std::vector<category> out;
    auto rows = tx.exec("SELECT id, name FROM categories ORDER BY name, id LIMIT $1",
                        {max_categories});
    for (const auto& r : rows.data) {
      out.push_back(category{r.get_int(0), r.get_text(1)});
    }
    return out;
  };
  co_return co_await rt::transact_value<std::vector<category>>(db_, timeout_, body);
}

task<db_result<listing_read>> product_store::list_products(
    listing_query q, std::optional<std::int64_t> known_version) {
  QM_ASSERT(q.limit >= 1 && q.limit <= max_limit);
  QM_ASSERT(q.offset >= 0);
  auto body = [&q, known_version](sql::transaction& tx) {
    listing_read out;
    // Read first: rows read after it are at least as new as this version, so a page is never
    // kept under a version older than its contents.
    out.catalogue_version = catalogue_version(tx);
    if (known_version == out.catalogue_version) {
      return out;
    }
    const auto listing = listing_statement(q, false, false);
    auto rows = tx.exec(listing.first, listing.second);
    out.items.emplace();
    out.items->reserve(rows.size());
    for (auto& r : rows.data) {
      out.items->push_back(product_from_row(r));
    }
    return out;
  };
  co_return co_await rt::transact_value<listing_read>(db_, timeout_, body);
}

task<db_result<std::optional<product_detail>>> product_store::find_active(std::int64_t id) {
  auto body = [id](sql::transaction& tx) -> std::optional<product_detail> {
    static const std::string active_by_id = "SELECT " + std::string(product_columns) +
                                            ", COALESCE(s.available, 0) FROM products p "
                                            "LEFT JOIN stock s ON s.product_id = p.id "
                                            "WHERE p.id = $1 AND p.active = 1";
    auto rows = tx.exec(active_by_id, {id});
    if (rows.empty()) {
      return std::nullopt;
    }
    sql::row& r = rows.data.front();
    const std::int64_t available = r.get_int(5);
    return product_detail{product_from_row(r), available};
  };
  co_return co_await rt::transact_value<std::optional<product_detail>>(db_, timeout_, body);
}

namespace {

// One point lookup per id, joined by UNION ALL: for an IN list of several parameters SQLite
// builds a throwaway b-tree on every run, which costs more than the lookups themselves
// (about 2.4 times the whole statement for two ids). The ids are distinct, so no row repeats.
std::string summaries_statement(std::size_t id_count) {
  constexpr std::string_view lookup =
      "SELECT p.id, p.name, p.price_paise, p.active, COALESCE(s.available, 0) FROM products p "
      "LEFT JOIN stock s ON s.product_id = p.id WHERE p.id = $";
  std::string statement;
  statement.reserve(id_count * (lookup.size() + 16));
  for (std::size_t n = 1; n <= id_count; ++n) {
    if (n > 1) {
      statement += " UNION ALL ";
    }
    statement += lookup;
    append_int(statement, n);
  }
  return statement;
}

// The statements for the usual batch sizes (a cart's lines, an order's), built once: each is
// then one text at one address, which the statement cache finds without hashing it again.
constexpr std::size_t prebuilt_summary_statements = 16;

const std::string& prebuilt_summaries_statement(std::size_t id_count) {
  static const auto texts = [] {
    std::array<std::string, prebuilt_summary_statements> out;
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = summaries_statement(i + 1);
    }
    return out;
  }();
  QM_ASSERT(id_count >= 1 && id_count <= texts.size());
  return texts[id_count - 1];
}

}  // namespace

std::vector<product_summary> read_summaries(sql::transaction& tx, std::vector<std::int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  QM_ASSERT(!ids.empty() && ids.size() <= max_batch_ids);
  sql::params args(ids.begin(), ids.end());
  std::vector<product_summary> out;
  auto rows = ids.size() <= prebuilt_summary_statements
                  ? tx.exec(prebuilt_summaries_statement(ids.size()), args)
                  : tx.exec(summaries_statement(ids.size()), args);
  out.reserve(rows.size());
  for (auto& r : rows.data) {
    out.push_back(product_summary{r.get_int(0), r.take_text(1), r.get_int(2), r.get_int(3) == 1,
                                  r.get_int(4)});
  }
  // UNION ALL promises no order in SQL; the caller is promised ascending ids.
  std::sort(out.begin(), out.end(),
            [](const product_summary& a, const product_summary& b) { return a.id < b.id; });
  return out;
}

task<db_result<std::vector<product_summary>>> product_store::find_many(std::vector<std::int64_t> ids) {
  QM_ASSERT(!ids.empty() && ids.size() <= max_batch_ids);
  auto body = [&](sql::transaction& tx) { return read_summaries(tx, ids); };
  co_return co_await rt::transact_value<std::vector<product_summary>>(db_, timeout_, body);
}

task<db_result<create_outcome>> product_store::create_category(category c) {
  auto body = [&](sql::transaction& tx) {
    if (exists(tx, "SELECT 1 FROM categories WHERE name = $1", {c.name})) {
      return create_outcome::name_taken;
    }
    if (exists(tx, "SELECT 1 FROM categories WHERE id = $1", {c.id})) {
      return create_outcome::id_taken;
    }
    tx.exec("INSERT INTO categories (id, name) VALUES ($1, $2)", {c.id, c.name});
    return create_outcome::created;
  };
  auto r = co_await rt::transact_value<create_outcome>(db_, timeout_, body);
  if (!r && r.error().code == sql::errc::unique_violation) {
    // A concurrent insert of the same name (PostgreSQL) won the race.
    co_return create_outcome::name_taken;
  }
  co_return r;
}

task<db_result<std::pair<create_outcome, std::optional<admin_product>>>>
product_store::create_product(std::int64_t id, new_product_input in, std::int64_t movement_id,
                              std::int64_t now_s) {
  using outcome = std::pair<create_outcome, std::optional<admin_product>>;
  auto body = [&](sql::transaction& tx) -> outcome {
    if (!exists(tx, "SELECT 1 FROM categories WHERE id = $1", {in.category_id})) {
      return {create_outcome::no_such_category, std::nullopt};
    }
    if (exists(tx, "SELECT 1 FROM products WHERE id = $1", {id})) {
      return {create_outcome::id_taken, std::nullopt};
    }
    tx.exec(
        "INSERT INTO products (id, category_id, name, description, price_paise, active, "
        "created_at) VALUES ($1, $2, $3, $4, $5, 1, $6)",
        {id, in.category_id, in.name, in.description, in.price_paise, now_s});
    tx.exec("INSERT INTO stock (product_id, available) VALUES ($1, $2)", {id, in.stock});
    tx.exec(
        "INSERT INTO stock_movements (product_id, movement_id, kind, quantity, created_at) "
        "VALUES ($1, $2, 'initial', $3, $4)",
        {id, movement_id, in.stock, now_s});
    catalogue_changed(tx);
    return {create_outcome::created, load_admin(tx, id)};
  };
  co_return co_await rt::transact_value<outcome>(db_, timeout_, body);
}

task<db_result<admin_change>> product_store::update_product(std::int64_t id, product_patch patch) {
  auto body = [&](sql::transaction& tx) -> admin_change {
    if (patch.category_id &&
        !exists(tx, "SELECT 1 FROM categories WHERE id = $1", {*patch.category_id})) {
      return {update_outcome::no_such_category, std::nullopt};
    }
    std::optional<std::int64_t> active;
    if (patch.active) {
      active = *patch.active ? 1 : 0;
    }
    // COALESCE keeps a field the request did not mention.
    auto changed = tx.exec(
        "UPDATE products SET name = COALESCE($2, name), description = COALESCE($3, description), "
        "price_paise = COALESCE($4, price_paise), category_id = COALESCE($5, category_id), "
        "active = COALESCE($6, active) WHERE id = $1",
        {id, optional_text(patch.name), optional_text(patch.description),
         optional_int(patch.price_paise), optional_int(patch.category_id), optional_int(active)});
    if (changed.affected == 0) {
      return {update_outcome::not_found, std::nullopt};
    }
    catalogue_changed(tx);
    return {update_outcome::updated, load_admin(tx, id)};
  };
  co_return co_await rt::transact_value<admin_change>(db_, timeout_, body);
}

task<db_result<std::optional<admin_product>>> product_store::deactivate(std::int64_t id) {
  auto body = [id](sql::transaction& tx) -> std::optional<admin_product> {
    if (tx.exec("UPDATE products SET active = 0 WHERE id = $1", {id}).affected != 0) {
      catalogue_changed(tx);
    }
    return load_admin(tx, id);
  };
  co_return co_await rt::transact_value<std::optional<admin_product>>(db_, timeout_, body);
}

task<db_result<std::optional<std::int64_t>>> product_store::restock(std::int64_t id,
                                                                    std::int64_t quantity,
                                                                    std::int64_t movement_id,
                                                                    std::int64_t now_s) {
  QM_ASSERT(quantity > 0);
  auto body = [&](sql::transaction& tx) -> std::optional<std::int64_t> {
    if (!exists(tx, "SELECT 1 FROM products WHERE id = $1", {id})) {
      return std::nullopt;
    }
    // One statement whether or not the product had a stock row yet.
    tx.exec(
        "INSERT INTO stock (product_id, available) VALUES ($1, $2) "
        "ON CONFLICT (product_id) DO UPDATE SET available = stock.available + excluded.available",
        {id, quantity});
    tx.exec(
        "INSERT INTO stock_movements (product_id, movement_id, kind, quantity, created_at) "
        "VALUES ($1, $2, 'restock', $3, $4)",
        {id, movement_id, quantity, now_s});
    auto rows = tx.exec("SELECT available FROM stock WHERE product_id = $1", {id});
    return rows.front().get_int(0);
  };
  co_return co_await rt::transact_value<std::optional<std::int64_t>>(db_, timeout_, body);
}

task<db_result<std::vector<admin_product>>> product_store::list_admin(admin_listing_query q) {
  QM_ASSERT(q.listing.limit >= 1 && q.listing.limit <= max_limit);
  const auto listing = listing_statement(q.listing, true, q.include_inactive);
  auto body = [&listing](sql::transaction& tx) {
    std::vector<admin_product> out;
    auto rows = tx.exec(listing.first, listing.second);
    for (auto& r : rows.data) {
      out.push_back(admin_from_row(r));
    }
    return out;
  };
  co_return co_await rt::transact_value<std::vector<admin_product>>(db_, timeout_, body);
}

task<db_result<product_stats>> product_store::stats() {
  auto body = [](sql::transaction& tx) {
    product_stats s;
    auto products = tx.exec(
        // SUM of BIGINT is NUMERIC on PostgreSQL: cast back so both engines give integers.
        "SELECT COUNT(*), "
        "CAST(COALESCE(SUM(CASE WHEN COALESCE(s.available, 0) = 0 THEN 1 ELSE 0 END), 0) AS BIGINT), "
        "CAST(COALESCE(SUM(COALESCE(s.available, 0)), 0) AS BIGINT) "
        "FROM products p LEFT JOIN stock s ON s.product_id = p.id WHERE p.active = 1");
    s.products_active = products.front().get_int(0);
    s.products_out_of_stock = products.front().get_int(1);
    s.units_available = products.front().get_int(2);
    auto held = tx.exec("SELECT COUNT(*) FROM reservations WHERE status = 'held'");
    s.reservations_held = held.front().get_int(0);
    return s;
  };
  co_return co_await rt::transact_value<product_stats>(db_, timeout_, body);
}

}  // namespace qm::product
