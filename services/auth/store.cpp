#include "services/auth/store.hpp"

#include <array>
#include <utility>

#include "auth_schema_sql.hpp"
#include "auth_schema_v2_sql.hpp"

namespace qm::auth {

std::span<const rt::migration> auth_migrations() {
  static const std::array<rt::migration, 2> list = {
      rt::migration{1, "auth_initial_schema", auth_schema_sql()},
      rt::migration{2, "auth_role_check_without_in_list", auth_schema_v2_sql()},
  };
  return list;
}

namespace {

constexpr std::string_view user_columns =
    "id, email, phone, name, password_hash, role, created_at";

user user_from_row(const sql::row& r) {
  return user{r.get_int(0),      r.get_optional_text(1), r.get_optional_text(2), r.get_text(3),
              r.get_text(4),     r.get_text(5),          r.get_int(6)};
}

sql::value optional_text(const std::optional<std::string>& s) {
  return s ? sql::value(*s) : sql::value(sql::null);
}

bool exists(sql::transaction& tx, std::string_view statement, const sql::params& args) {
  return !tx.exec(statement, args).empty();
}

// Which unique field of u is already taken, if any.
std::optional<create_outcome> find_conflict(sql::transaction& tx, const user& u) {
  if (u.email && exists(tx, "SELECT 1 FROM users WHERE email = $1", {*u.email})) {
    return create_outcome::email_taken;
  }
  if (u.phone && exists(tx, "SELECT 1 FROM users WHERE phone = $1", {*u.phone})) {
    return create_outcome::phone_taken;
  }
  if (exists(tx, "SELECT 1 FROM users WHERE id = $1", {u.id})) {
    return create_outcome::id_taken;
  }
  return std::nullopt;
}

}  // namespace

task<db_result<create_outcome>> auth_store::create_user(user u) {
  auto attempt = [&](sql::transaction& tx) {
    if (auto conflict = find_conflict(tx, u)) {
      return *conflict;
    }
    tx.exec(
        "INSERT INTO users (id, email, phone, name, password_hash, role, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        {u.id, optional_text(u.email), optional_text(u.phone), u.name, u.password_hash, u.role,
         u.created_at});
    return create_outcome::created;
  };
  auto first = co_await rt::transact_value<create_outcome>(db_, timeout_, attempt);
  if (first.ok() || first.error().code != sql::errc::unique_violation) {
    co_return first;
  }
  // A concurrent registration took a unique value between our check and our insert (possible
  // on PostgreSQL): look again to name the field. If nothing is found the error stands.
  auto conflict = [&](sql::transaction& tx) { return find_conflict(tx, u); };
  auto recheck = co_await rt::transact_value<std::optional<create_outcome>>(db_, timeout_, conflict);
  if (!recheck) {
    co_return make_unexpected(recheck.error());
  }
  if (!recheck->has_value()) {
    co_return first;
  }
  co_return **recheck;
}

task<db_result<std::optional<user>>> auth_store::find_user(std::string_view where_clause,
                                                           sql::value key) {
  const std::string statement =
      "SELECT " + std::string(user_columns) + " FROM users WHERE " + std::string(where_clause);
  auto body = [&](sql::transaction& tx) -> std::optional<user> {
    auto rows = tx.exec(statement, {key});
    if (rows.empty()) {
      return std::nullopt;
    }
    return user_from_row(rows.front());
  };
  co_return co_await rt::transact_value<std::optional<user>>(db_, timeout_, body);
}

task<db_result<std::optional<user>>> auth_store::find_by_email(std::string email) {
  co_return co_await find_user("email = $1", std::move(email));
}

task<db_result<std::optional<user>>> auth_store::find_by_phone(std::string phone) {
  co_return co_await find_user("phone = $1", std::move(phone));
}

task<db_result<std::optional<user>>> auth_store::find_by_id(std::int64_t id) {
  co_return co_await find_user("id = $1", id);
}

task<db_result<std::pair<update_outcome, std::optional<user>>>> auth_store::update_profile(
    std::int64_t id, std::optional<std::string> name, std::optional<std::string> phone) {
  using outcome = std::pair<update_outcome, std::optional<user>>;
  auto body = [&](sql::transaction& tx) -> outcome {
    if (phone && exists(tx, "SELECT 1 FROM users WHERE phone = $1 AND id <> $2", {*phone, id})) {
      return {update_outcome::phone_taken, std::nullopt};
    }
    // COALESCE keeps a field the request did not mention.
    auto changed = tx.exec(
        "UPDATE users SET name = COALESCE($2, name), phone = COALESCE($3, phone) WHERE id = $1",
        {id, optional_text(name), optional_text(phone)});
    if (changed.affected == 0) {
      return {update_outcome::not_found, std::nullopt};
    }
    auto rows = tx.exec("SELECT " + std::string(user_columns) + " FROM users WHERE id = $1", {id});
    return {update_outcome::updated, user_from_row(rows.front())};
  };
  auto r = co_await rt::transact_value<outcome>(db_, timeout_, body);
  if (!r && r.error().code == sql::errc::unique_violation) {
    co_return outcome{update_outcome::phone_taken, std::nullopt};
  }
  co_return r;
}

task<db_result<std::optional<user>>> auth_store::set_role(std::int64_t id, std::string role) {
  auto body = [&](sql::transaction& tx) -> std::optional<user> {
    auto changed = tx.exec("UPDATE users SET role = $2 WHERE id = $1", {id, role});
    if (changed.affected == 0) {
      return std::nullopt;
    }
    auto rows = tx.exec("SELECT " + std::string(user_columns) + " FROM users WHERE id = $1", {id});
    return user_from_row(rows.front());
  };
  co_return co_await rt::transact_value<std::optional<user>>(db_, timeout_, body);
}

task<rt::db_status> auth_store::insert_refresh(refresh_record r, std::int64_t now_s) {
  co_return co_await db_.transact(
      [&](sql::transaction& tx) {
        // Expired rows have no use left (reuse of an expired token is refused anyway), and
        // pruning at login keeps the table bounded by the live sessions.
        tx.exec("DELETE FROM refresh_tokens WHERE user_id = $1 AND expires_at <= $2",
                {r.user_id, now_s});
        tx.exec(
            "INSERT INTO refresh_tokens (jti, family_id, user_id, expires_at, revoked) "
            "VALUES ($1, $2, $3, $4, 0)",
            {r.jti, r.family_id, r.user_id, r.expires_at});
      },
      timeout_);
}

task<db_result<rotation>> auth_store::rotate_refresh(std::string old_jti, std::string family,
                                                     refresh_record next, std::int64_t now_s) {
  auto body = [&](sql::transaction& tx) -> rotation {
    auto rows = tx.exec(
        "SELECT t.family_id, t.user_id, t.expires_at, t.revoked, t.replaced_by, u.role "
        "FROM refresh_tokens t JOIN users u ON u.id = t.user_id WHERE t.jti = $1",
        {old_jti});
    if (rows.empty() || rows.front().get_text(0) != family) {
      return {rotate_outcome::unknown, 0, {}};
    }
    const sql::row& row = rows.front();
    rotation out{rotate_outcome::rotated, row.get_int(1), row.get_text(5)};
    const auto revoke = [&] {
      tx.exec("UPDATE refresh_tokens SET revoked = 1 WHERE family_id = $1", {family});
      out.outcome = rotate_outcome::reused;
      return out;
    };
    if (row.get_int(3) != 0) {
      out.outcome = rotate_outcome::revoked;
      return out;
    }
    if (!row.is_null(4)) {
      return revoke();
    }
    if (row.get_int(2) <= now_s) {
      out.outcome = rotate_outcome::expired;
      return out;
    }
    // The guard on replaced_by makes two concurrent rotations of one token end with one
    // winner; the loser sees no row changed and treats it as the reuse it is.
    auto marked = tx.exec(
        "UPDATE refresh_tokens SET replaced_by = $2 WHERE jti = $1 AND replaced_by IS NULL",
        {old_jti, next.jti});
    if (marked.affected != 1) {
      return revoke();
    }
    tx.exec(
        "INSERT INTO refresh_tokens (jti, family_id, user_id, expires_at, revoked) "
        "VALUES ($1, $2, $3, $4, 0)",
        {next.jti, family, out.user_id, next.expires_at});
    return out;
  };
  co_return co_await rt::transact_value<rotation>(db_, timeout_, body);
}

task<db_result<std::int64_t>> auth_store::revoke_family(std::string family) {
  auto body = [&](sql::transaction& tx) {
    return tx.exec("UPDATE refresh_tokens SET revoked = 1 WHERE family_id = $1", {family}).affected;
  };
  co_return co_await rt::transact_value<std::int64_t>(db_, timeout_, body);
}

}  // namespace qm::auth
