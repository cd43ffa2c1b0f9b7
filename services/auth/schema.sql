-- auth_db: the auth service's own database. Portable SQL: it runs unchanged on PostgreSQL
-- and SQLite. Ids are chosen by the service (random, below 2^53 so JSON clients keep them
-- exact), so no SERIAL or AUTOINCREMENT. Times are unix seconds.

CREATE TABLE users (
  id            BIGINT PRIMARY KEY,
  email         TEXT UNIQUE,
  phone         TEXT UNIQUE,
  name          TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('customer', 'partner', 'admin')),
  created_at    BIGINT NOT NULL,
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- One row per refresh token ever issued and not yet pruned. A rotation marks the old row
-- replaced_by the new jti; presenting a replaced token again revokes its whole family.
CREATE TABLE refresh_tokens (
  jti         TEXT PRIMARY KEY,
  family_id   TEXT NOT NULL,
  user_id     BIGINT NOT NULL REFERENCES users (id),
  expires_at  BIGINT NOT NULL,
  revoked     INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
  replaced_by TEXT
);

CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id, expires_at);
