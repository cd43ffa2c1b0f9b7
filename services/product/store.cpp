#include "services/product/store.hpp"

#include <utility>

#include "core/base/assert.hpp"

namespace qm::product {

namespace {

constexpr std::string_view product_columns =
    "p.id, p.category_id, p.name, p.description, p.price_paise";

product product_from_row(const sql::row& r) {
  return product{r.get_int(0), r.get_int(1), r.get_text(2), r.get_text(3), r.get_int(4)};
}

// The listing statement for the filters q sets, with its arguments in placeholder order.
std::pair<std::string, sql::params> listing_statement(const listing_query& q) {
  std::string statement =
      "SELECT " + std::string(product_columns) + " FROM products p WHERE p.active = 1";
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

}  // namespace

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

task<db_result<std::vector<product>>> product_store::list_products(listing_query q) {
  QM_ASSERT(q.limit >= 1 && q.limit <= max_limit);
  QM_ASSERT(q.offset >= 0);
  const auto listing = listing_statement(q);
  auto body = [&listing](sql::transaction& tx) {
    std::vector<product> out;
    auto rows = tx.exec(listing.first, listing.second);
    out.reserve(rows.size());
    for (const auto& r : rows.data) {
      out.push_back(product_from_row(r));
    }
    return out;
  };
  co_return co_await rt::transact_value<std::vector<product>>(db_, timeout_, body);
}

task<db_result<std::optional<product_detail>>> product_store::find_active(std::int64_t id) {
  auto body = [id](sql::transaction& tx) -> std::optional<product_detail> {
    auto rows = tx.exec("SELECT " + std::string(product_columns) +
                            ", COALESCE(s.available, 0) FROM products p "
                            "LEFT JOIN stock s ON s.product_id = p.id "
                            "WHERE p.id = $1 AND p.active = 1",
                        {id});
    if (rows.empty()) {
      return std::nullopt;
    }
    return product_detail{product_from_row(rows.front()), rows.front().get_int(5)};
  };
  co_return co_await rt::transact_value<std::optional<product_detail>>(db_, timeout_, body);
}

}  // namespace qm::product
