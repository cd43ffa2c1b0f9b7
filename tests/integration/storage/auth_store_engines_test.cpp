// The auth store's suite, run unchanged on SQLite and on PostgreSQL: same statements, same
// outcomes, same typed errors.

#include <array>
#include <string>

#include <gtest/gtest.h>

#include "runtime/migrations.hpp"
#include "services/auth/store.hpp"
#include "tests/integration/storage/test_databases.hpp"

namespace qm::test {
namespace {

constexpr std::int64_t now_s = 1'800'000'000;

auth::user make_user(std::int64_t id, std::optional<std::string> email,
                     std::optional<std::string> phone, std::string role = "customer") {
  return auth::user{id, std::move(email), std::move(phone), "User " + std::to_string(id),
                    "scrypt$hash$" + std::to_string(id), std::move(role), now_s - 100};
}

auth::refresh_record token(std::string jti, std::string family, std::int64_t user_id,
                           std::int64_t expires_at = now_s + 3600) {
  return auth::refresh_record{std::move(jti), std::move(family), user_id, expires_at};
}

class auth_store_engines : public store_engines_fixture<auth::auth_store> {
 protected:
  auth_store_engines() : store_engines_fixture(auth::auth_migrations()) {}
};

TEST_P(auth_store_engines, engine_reports_its_name) {
  EXPECT_EQ(engine_->storage().engine(), GetParam());
}

TEST_P(auth_store_engines, registers_and_finds_a_user) {
  const auth::user u = make_user(4242, "asha@example.com", "+919800000001", "partner");
  auto created = run(store().create_user(u));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(*created, auth::create_outcome::created);

  for (auto found : {run(store().find_by_email("asha@example.com")),
                     run(store().find_by_phone("+919800000001")), run(store().find_by_id(4242))}) {
    ASSERT_TRUE(found.ok()) << found.error().message;
    ASSERT_TRUE(found->has_value());
    const auth::user& got = **found;
    EXPECT_EQ(got.id, u.id);
    EXPECT_EQ(got.email, u.email);
    EXPECT_EQ(got.phone, u.phone);
    EXPECT_EQ(got.name, u.name);
    EXPECT_EQ(got.password_hash, u.password_hash);
    EXPECT_EQ(got.role, u.role);
    EXPECT_EQ(got.created_at, u.created_at);
  }
  auto missing = run(store().find_by_email("nobody@example.com"));
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  auto missing_id = run(store().find_by_id(1));
  ASSERT_TRUE(missing_id.ok());
  EXPECT_FALSE(missing_id->has_value());
}

TEST_P(auth_store_engines, a_user_without_phone_keeps_null) {
  ASSERT_TRUE(run(store().create_user(make_user(7, "no-phone@example.com", std::nullopt))).ok());
  auto found = run(store().find_by_id(7));
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_FALSE((*found)->phone.has_value());
  // Large ids (below 2^53) survive both engines exactly.
  const std::int64_t big = (std::int64_t{1} << 53) - 1;
  ASSERT_TRUE(run(store().create_user(make_user(big, std::nullopt, "+910000000000"))).ok());
  auto by_phone = run(store().find_by_phone("+910000000000"));
  ASSERT_TRUE(by_phone.ok());
  ASSERT_TRUE(by_phone->has_value());
  EXPECT_EQ((*by_phone)->id, big);
  EXPECT_FALSE((*by_phone)->email.has_value());
}

TEST_P(auth_store_engines, duplicates_are_named) {
  ASSERT_TRUE(run(store().create_user(make_user(1, "a@example.com", "+911111111111"))).ok());
  auto same_email = run(store().create_user(make_user(2, "a@example.com", std::nullopt)));
  ASSERT_TRUE(same_email.ok());
  EXPECT_EQ(*same_email, auth::create_outcome::email_taken);
  auto same_phone = run(store().create_user(make_user(3, "b@example.com", "+911111111111")));
  ASSERT_TRUE(same_phone.ok());
  EXPECT_EQ(*same_phone, auth::create_outcome::phone_taken);
  auto same_id = run(store().create_user(make_user(1, "c@example.com", std::nullopt)));
  ASSERT_TRUE(same_id.ok());
  EXPECT_EQ(*same_id, auth::create_outcome::id_taken);
  // Nothing of the refused users was stored.
  auto b = run(store().find_by_email("b@example.com"));
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->has_value());
}

TEST_P(auth_store_engines, a_raw_duplicate_is_a_unique_violation_on_both_engines) {
  ASSERT_TRUE(run(store().create_user(make_user(1, "a@example.com", std::nullopt))).ok());
  auto dup = exec(
      "INSERT INTO users (id, email, phone, name, password_hash, role, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {std::int64_t{2}, std::string("a@example.com"), sql::null, std::string("X"),
       std::string("h"), std::string("customer"), std::int64_t{0}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, sql::errc::unique_violation) << dup.error().message;
  auto bad_role = exec(
      "INSERT INTO users (id, email, phone, name, password_hash, role, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {std::int64_t{3}, std::string("r@example.com"), sql::null, std::string("X"),
       std::string("h"), std::string("pirate"), std::int64_t{0}});
  ASSERT_FALSE(bad_role.ok());
  EXPECT_EQ(bad_role.error().code, sql::errc::constraint_violation) << bad_role.error().message;
  auto orphan = run(store().insert_refresh(token("j-orphan", "f", 999), now_s));
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, sql::errc::constraint_violation) << orphan.error().message;
}

TEST_P(auth_store_engines, a_failed_transaction_leaves_nothing_behind) {
  auto failed = run(engine_->storage().transact(
      [](sql::transaction& tx) {
        tx.exec(
            "INSERT INTO users (id, email, name, password_hash, role, created_at) "
            "VALUES (10, 'x@example.com', 'X', 'h', 'customer', 0)");
        tx.exec("INSERT INTO users (id, email, name, password_hash, role, created_at) "
                "VALUES (10, 'y@example.com', 'Y', 'h', 'customer', 0)");
      },
      seconds(10)));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, sql::errc::unique_violation);
  auto found = run(store().find_by_id(10));
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
}

TEST_P(auth_store_engines, updates_a_profile) {
  ASSERT_TRUE(run(store().create_user(make_user(1, "a@example.com", "+911111111111"))).ok());
  ASSERT_TRUE(run(store().create_user(make_user(2, "b@example.com", std::nullopt))).ok());
  auto taken = run(store().update_profile(2, std::nullopt, std::string("+911111111111")));
  ASSERT_TRUE(taken.ok());
  EXPECT_EQ(taken->first, auth::update_outcome::phone_taken);
  auto missing = run(store().update_profile(99, std::string("Nobody"), std::nullopt));
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->first, auth::update_outcome::not_found);
  auto updated = run(store().update_profile(2, std::string("Bina"), std::string("+912222222222")));
  ASSERT_TRUE(updated.ok()) << updated.error().message;
  ASSERT_EQ(updated->first, auth::update_outcome::updated);
  ASSERT_TRUE(updated->second.has_value());
  EXPECT_EQ(updated->second->name, "Bina");
  EXPECT_EQ(updated->second->phone, std::optional<std::string>("+912222222222"));
  EXPECT_EQ(updated->second->email, std::optional<std::string>("b@example.com"));
  auto name_only = run(store().update_profile(2, std::string("Bina K"), std::nullopt));
  ASSERT_TRUE(name_only.ok());
  ASSERT_TRUE(name_only->second.has_value());
  EXPECT_EQ(name_only->second->phone, std::optional<std::string>("+912222222222"));
}

TEST_P(auth_store_engines, refresh_rotation_and_reuse_revokes_the_family) {
  ASSERT_TRUE(run(store().create_user(make_user(5, "r@example.com", std::nullopt, "admin"))).ok());
  ASSERT_TRUE(run(store().insert_refresh(token("j1", "fam", 5), now_s)).ok());

  auto first = run(store().rotate_refresh("j1", "fam", token("j2", "fam", 5), now_s));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->outcome, auth::rotate_outcome::rotated);
  EXPECT_EQ(first->user_id, 5);
  EXPECT_EQ(first->role, "admin");

  // The new token rotates in turn.
  auto second = run(store().rotate_refresh("j2", "fam", token("j3", "fam", 5), now_s));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->outcome, auth::rotate_outcome::rotated);

  // Presenting j1 again is reuse: the family is revoked, so the live j3 stops working too.
  auto reuse = run(store().rotate_refresh("j1", "fam", token("j4", "fam", 5), now_s));
  ASSERT_TRUE(reuse.ok());
  EXPECT_EQ(reuse->outcome, auth::rotate_outcome::reused);
  auto after = run(store().rotate_refresh("j3", "fam", token("j5", "fam", 5), now_s));
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->outcome, auth::rotate_outcome::revoked);

  auto revoked_rows = query("SELECT COUNT(*) FROM refresh_tokens WHERE family_id = $1 AND revoked = 1",
                            {std::string("fam")});
  ASSERT_TRUE(revoked_rows.ok()) << revoked_rows.error().message;
  EXPECT_EQ(revoked_rows->front().get_int(0), 3);
}

TEST_P(auth_store_engines, rotation_refuses_unknown_foreign_and_expired_tokens) {
  ASSERT_TRUE(run(store().create_user(make_user(5, "r@example.com", std::nullopt))).ok());
  ASSERT_TRUE(run(store().insert_refresh(token("j1", "fam", 5), now_s)).ok());
  ASSERT_TRUE(run(store().insert_refresh(token("old", "fam2", 5, now_s - 1), now_s - 10)).ok());

  auto unknown = run(store().rotate_refresh("nope", "fam", token("x1", "fam", 5), now_s));
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->outcome, auth::rotate_outcome::unknown);
  auto foreign = run(store().rotate_refresh("j1", "other", token("x2", "other", 5), now_s));
  ASSERT_TRUE(foreign.ok());
  EXPECT_EQ(foreign->outcome, auth::rotate_outcome::unknown);
  auto expired = run(store().rotate_refresh("old", "fam2", token("x3", "fam2", 5), now_s));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->outcome, auth::rotate_outcome::expired);

  // A login prunes the user's expired tokens.
  ASSERT_TRUE(run(store().insert_refresh(token("j9", "fam9", 5), now_s)).ok());
  auto left = query("SELECT jti FROM refresh_tokens WHERE user_id = $1 ORDER BY jti",
                    {std::int64_t{5}});
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ(left->data[0].get_text(0), "j1");
  EXPECT_EQ(left->data[1].get_text(0), "j9");
}

TEST_P(auth_store_engines, logout_revokes_a_family) {
  ASSERT_TRUE(run(store().create_user(make_user(5, "r@example.com", std::nullopt))).ok());
  ASSERT_TRUE(run(store().insert_refresh(token("a1", "famA", 5), now_s)).ok());
  ASSERT_TRUE(run(store().rotate_refresh("a1", "famA", token("a2", "famA", 5), now_s)).ok());
  ASSERT_TRUE(run(store().insert_refresh(token("b1", "famB", 5), now_s)).ok());

  auto changed = run(store().revoke_family("famA"));
  ASSERT_TRUE(changed.ok());
  EXPECT_EQ(*changed, 2);
  auto a = run(store().rotate_refresh("a2", "famA", token("a3", "famA", 5), now_s));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->outcome, auth::rotate_outcome::revoked);
  // The other session is untouched.
  auto b = run(store().rotate_refresh("b1", "famB", token("b2", "famB", 5), now_s));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->outcome, auth::rotate_outcome::rotated);
  auto none = run(store().revoke_family("no-such-family"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, 0);
}

TEST_P(auth_store_engines, migrations_are_idempotent) {
  // SetUp applied them once; twice more changes nothing and keeps the data.
  ASSERT_TRUE(run(store().create_user(make_user(1, "a@example.com", std::nullopt))).ok());
  for (int round = 0; round < 2; ++round) {
    auto again = run(rt::apply_migrations(engine_->storage(), auth::auth_migrations()));
    ASSERT_TRUE(again.ok()) << again.error().message;
  }
  auto recorded = query("SELECT version, name FROM schema_migrations ORDER BY version");
  ASSERT_TRUE(recorded.ok()) << recorded.error().message;
  ASSERT_EQ(recorded->size(), auth::auth_migrations().size());
  EXPECT_EQ(recorded->front().get_int(0), 1);
  EXPECT_EQ(recorded->front().get_text(1), "auth_initial_schema");
  EXPECT_EQ(recorded->data[1].get_text(1), "auth_role_check_without_in_list");
  auto users = query("SELECT COUNT(*) FROM users");
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->front().get_int(0), 1);

  // A renumbered list is refused rather than silently skipping a change.
  const std::array<rt::migration, 1> renamed = {rt::migration{1, "something_else", "SELECT 1"}};
  auto refused = run(rt::apply_migrations(engine_->storage(), renamed));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, sql::errc::query_error);
}

TEST_P(auth_store_engines, values_round_trip_with_the_same_types) {
  auto r = query("SELECT $1 AS i, $2 AS t, $3 AS n", {std::int64_t{-9'007'199'254'740'991},
                                                       std::string("käse ' \" ;"), sql::null});
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->column_names().size(), 3u);
  EXPECT_EQ(r->column_names()[0], "i");
  EXPECT_EQ(r->front().get_int(0), -9'007'199'254'740'991);
  EXPECT_EQ(r->front().get_text(1), "käse ' \" ;");
  EXPECT_TRUE(r->front().is_null(2));
  auto typed = query("SELECT id, created_at FROM users WHERE id = $1", {std::int64_t{0}});
  ASSERT_TRUE(typed.ok());
  EXPECT_TRUE(typed->empty());
  ASSERT_TRUE(run(store().create_user(make_user(3, "t@example.com", std::nullopt))).ok());
  auto one = query("SELECT id, name FROM users");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  // Integer columns come back as integers on both engines, not as text.
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(one->front().at(0)));
  EXPECT_TRUE(std::holds_alternative<std::string>(one->front().at(1)));
}

INSTANTIATE_TEST_SUITE_P(engines, auth_store_engines, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });


// A database at version 1 with a partner and a refresh token: migration 2 rebuilds the
// user's role column (refresh_tokens refers to users, so the table itself stays).
class auth_store_migration_v2 : public migrated_engine_fixture {
 protected:
  auth_store_migration_v2() : migrated_engine_fixture(auth::auth_migrations().first(1)) {}
};

TEST_P(auth_store_migration_v2, keeps_users_and_still_refuses_unknown_roles) {
  {
    auth::auth_store before(engine_->storage(), seconds(10));
    ASSERT_TRUE(run(before.create_user(make_user(7, "ravi@example.com", std::nullopt, "partner"))).ok());
    ASSERT_TRUE(run(before.insert_refresh(token("j-1", "f-1", 7), now_s)).ok());
  }
  auto migrated = run(rt::apply_migrations(engine_->storage(), auth::auth_migrations()));
  ASSERT_TRUE(migrated.ok()) << migrated.error().message;

  auth::auth_store store(engine_->storage(), seconds(10));
  auto ravi = run(store.find_by_email("ravi@example.com"));
  ASSERT_TRUE(ravi.ok()) << ravi.error().message;
  ASSERT_TRUE(ravi->has_value());
  EXPECT_EQ((*ravi)->role, "partner");
  EXPECT_EQ((*ravi)->id, 7);
  auto promoted = run(store.set_role(7, "admin"));
  ASSERT_TRUE(promoted.ok() && promoted->has_value());
  EXPECT_EQ((*promoted)->role, "admin");
  ASSERT_TRUE(run(store.create_user(make_user(8, "asha@example.com", std::nullopt))).ok());
  EXPECT_EQ((*run(store.find_by_id(8)))->role, "customer");

  // The new constraint refuses what the old one did; a token still needs its user.
  EXPECT_FALSE(exec("UPDATE users SET role = 'root' WHERE id = 7").ok());
  EXPECT_FALSE(exec("UPDATE users SET role = NULL WHERE id = 7").ok());
  EXPECT_FALSE(run(store.insert_refresh(token("j-2", "f-2", 99), now_s)).ok());
  ASSERT_TRUE(run(rt::apply_migrations(engine_->storage(), auth::auth_migrations())).ok());
}

INSTANTIATE_TEST_SUITE_P(engines, auth_store_migration_v2, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace qm::test
