-- order_db, migration 3: the CHECK constraints on checkouts, payments and outbox, written
-- without IN lists.
--
-- SQLite checks `state IN ('a', 'b', 'c')` (three or more constants) by building a throwaway
-- b-tree of the list on every INSERT, and on every UPDATE that sets the column: about 15 us a
-- statement, paid by each checkout several times over. A chain of comparisons allows the same
-- values and costs nothing measurable on either engine.
--
-- SQLite cannot alter a constraint, so each table is rebuilt under its name: renamed aside,
-- created anew, its rows copied, the old one dropped, its indexes created again. Columns,
-- keys and defaults are as before; no other table refers to these three. Two indexes gain the
-- tie-breakers of the one query that reads them, which then needs no sort: the recovery
-- sweep's (claimed_at, user_id, idem_key) and the dispatcher's (next_attempt_at, created_at,
-- seq, id).

ALTER TABLE checkouts RENAME TO checkouts_v2;

CREATE TABLE checkouts (
  user_id        BIGINT NOT NULL,
  idem_key       TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state = 'pending' OR state = 'completed'
                                      OR state = 'failed' OR state = 'retryable'),
  attempt        BIGINT NOT NULL CHECK (attempt >= 1),
  reservation_id TEXT NOT NULL,
  order_id       BIGINT,
  failure_status INTEGER,
  failure_body   TEXT,
  request_digest TEXT NOT NULL,
  claimed_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  PRIMARY KEY (user_id, idem_key)
);

INSERT INTO checkouts (user_id, idem_key, state, attempt, reservation_id, order_id,
                       failure_status, failure_body, request_digest, claimed_at, updated_at)
  SELECT user_id, idem_key, state, attempt, reservation_id, order_id, failure_status,
         failure_body, request_digest, claimed_at, updated_at
  FROM checkouts_v2;

DROP TABLE checkouts_v2;

CREATE INDEX checkouts_by_state ON checkouts (state, claimed_at, user_id, idem_key);

ALTER TABLE payments RENAME TO payments_v2;

CREATE TABLE payments (
  user_id      BIGINT NOT NULL,
  idem_key     TEXT NOT NULL,
  attempt      BIGINT NOT NULL,
  payment_id   BIGINT NOT NULL UNIQUE,
  amount_paise BIGINT NOT NULL CHECK (amount_paise >= 0),
  status       TEXT NOT NULL CHECK (status = 'captured' OR status = 'declined'
                                    OR status = 'refunded'),
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (user_id, idem_key, attempt)
);

INSERT INTO payments (user_id, idem_key, attempt, payment_id, amount_paise, status, created_at)
  SELECT user_id, idem_key, attempt, payment_id, amount_paise, status, created_at
  FROM payments_v2;

DROP TABLE payments_v2;

ALTER TABLE outbox RENAME TO outbox_v2;

CREATE TABLE outbox (
  id              BIGINT PRIMARY KEY,
  order_id        BIGINT,
  seq             BIGINT NOT NULL,
  upstream        TEXT NOT NULL,
  target          TEXT NOT NULL,
  body            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state = 'pending' OR state = 'done' OR state = 'dead'),
  attempts        BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      BIGINT NOT NULL,
  request_id      TEXT,
  traceparent     TEXT
);

INSERT INTO outbox (id, order_id, seq, upstream, target, body, state, attempts,
                    next_attempt_at, last_error, created_at, request_id, traceparent)
  SELECT id, order_id, seq, upstream, target, body, state, attempts, next_attempt_at,
         last_error, created_at, request_id, traceparent
  FROM outbox_v2;

DROP TABLE outbox_v2;

CREATE INDEX outbox_due ON outbox (state, next_attempt_at, created_at, seq, id);
CREATE INDEX outbox_by_age ON outbox (state, created_at, id);
CREATE INDEX outbox_by_order ON outbox (order_id, upstream, seq);
