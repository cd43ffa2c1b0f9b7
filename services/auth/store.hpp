#pragma once
// Every SQL statement of the auth service, run through rt::storage with $n parameters and a
// timeout. Methods answer with what happened in domain terms (created, taken, rotated,
// reused); database failures come back as sql::error for the handler to map (transient
// errors become 503).

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/base/result.hpp"
#include "core/base/time.hpp"
#include "core/task/task.hpp"
#include "runtime/migrations.hpp"
#include "runtime/storage.hpp"

namespace qm::auth {

// auth_db's schema migrations, in order (schema.sql, schema_v2.sql).
std::span<const rt::migration> auth_migrations();

struct user {
  std::int64_t id = 0;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::string name;
  std::string password_hash;
  std::string role;
  std::int64_t created_at = 0;  // unix seconds
};

struct refresh_record {
  std::string jti;
  std::string family_id;
  std::int64_t user_id = 0;
  std::int64_t expires_at = 0;  // unix seconds
};

template <typename T>
using db_result = result<T, sql::error>;

enum class create_outcome : std::uint8_t { created, email_taken, phone_taken, id_taken };
enum class update_outcome : std::uint8_t { updated, not_found, phone_taken };
enum class rotate_outcome : std::uint8_t {
  rotated,  // the old token is now replaced by the new one
  unknown,  // no such token (or its family does not match)
  revoked,  // the family was revoked (logout or an earlier reuse)
  expired,
  reused,   // the token had already been rotated: the whole family is now revoked
};

struct rotation {
  rotate_outcome outcome = rotate_outcome::unknown;
  std::int64_t user_id = 0;
  std::string role;  // the user's current role, for the new access token
};

class auth_store {
 public:
  auth_store(rt::storage& db, duration timeout) : db_(db), timeout_(timeout) {}

  // Inserts u unless its email, phone or id is already taken.
  task<db_result<create_outcome>> create_user(user u);
  task<db_result<std::optional<user>>> find_by_email(std::string email);
  task<db_result<std::optional<user>>> find_by_phone(std::string phone);
  task<db_result<std::optional<user>>> find_by_id(std::int64_t id);
  // Sets the given fields; returns the user as stored afterwards when updated.
  task<db_result<std::pair<update_outcome, std::optional<user>>>> update_profile(
      std::int64_t id, std::optional<std::string> name, std::optional<std::string> phone);

  // Records a new refresh token (a login) and prunes the user's expired ones.
  // Sets the user's role; false when there is no such user.
  task<db_result<std::optional<user>>> set_role(std::int64_t id, std::string role);
  task<rt::db_status> insert_refresh(refresh_record r, std::int64_t now_s);
  // Replaces old_jti (of family) by next, atomically; detects reuse and revokes on it.
  task<db_result<rotation>> rotate_refresh(std::string old_jti, std::string family,
                                           refresh_record next, std::int64_t now_s);
  // Revokes every token of family; returns the number of rows changed.
  task<db_result<std::int64_t>> revoke_family(std::string family);

 private:
  task<db_result<std::optional<user>>> find_user(std::string_view where_clause, sql::value key);

  rt::storage& db_;
  duration timeout_;
};

}  // namespace qm::auth
