-- order_db: the order service's own database. Portable SQL: it runs unchanged on PostgreSQL
-- and SQLite. Ids are chosen by the service (below 2^53), money is integer paise, times are
-- unix seconds.

-- One checkout per (user, Idempotency-Key). state:
--   pending    an attempt is running (claimed_at says since when; after checkout_lease_s
--              the recovery sweep compensates it)
--   completed  order_id is the order this key created; the same key replays it
--   failed     a final refusal (cart empty, insufficient stock, payment declined):
--              failure_status and failure_body are replayed for the same key
--   retryable  an attempt failed transiently and was compensated; the same key may try again
--              (attempt + 1, with a fresh reservation id)
CREATE TABLE checkouts (
  user_id        BIGINT NOT NULL,
  idem_key       TEXT NOT NULL,
  state          TEXT NOT NULL CHECK (state IN ('pending', 'completed', 'failed', 'retryable')),
  attempt        BIGINT NOT NULL CHECK (attempt >= 1),
  reservation_id TEXT NOT NULL,
  order_id       BIGINT,
  failure_status INTEGER,
  failure_body   TEXT,
  -- What the request asked for (a digest of the delivery address and location): the same key
  -- with another request is refused instead of answered with the first one's order.
  request_digest TEXT NOT NULL,
  claimed_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL,
  PRIMARY KEY (user_id, idem_key)
);

-- The recovery sweep looks for pending keys older than the lease.
CREATE INDEX checkouts_by_state ON checkouts (state, claimed_at);

-- The simulated payment of each checkout attempt: at most one charge per attempt, and a
-- compensated attempt's charge is marked refunded.
CREATE TABLE payments (
  user_id      BIGINT NOT NULL,
  idem_key     TEXT NOT NULL,
  attempt      BIGINT NOT NULL,
  payment_id   BIGINT NOT NULL UNIQUE,
  amount_paise BIGINT NOT NULL CHECK (amount_paise >= 0),
  status       TEXT NOT NULL CHECK (status IN ('captured', 'declined', 'refunded')),
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (user_id, idem_key, attempt)
);

CREATE TABLE orders (
  id                 BIGINT PRIMARY KEY,
  user_id            BIGINT NOT NULL,
  idem_key           TEXT NOT NULL,
  status             TEXT NOT NULL
                     CHECK (status IN ('confirmed', 'packed', 'out_for_delivery', 'delivered',
                                       'cancelled')),
  subtotal_paise     BIGINT NOT NULL CHECK (subtotal_paise >= 0),
  delivery_fee_paise BIGINT NOT NULL CHECK (delivery_fee_paise >= 0),
  total_paise        BIGINT NOT NULL CHECK (total_paise = subtotal_paise + delivery_fee_paise),
  address            TEXT NOT NULL,
  lat                DOUBLE PRECISION NOT NULL,
  lon                DOUBLE PRECISION NOT NULL,
  partner_id         BIGINT,
  reservation_id     TEXT NOT NULL,
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL,
  -- The last line against a retried checkout creating a second order.
  UNIQUE (user_id, idem_key)
);

CREATE INDEX orders_by_user ON orders (user_id, created_at, id);
CREATE INDEX orders_by_status ON orders (status, created_at, id);

CREATE TABLE order_lines (
  order_id    BIGINT NOT NULL REFERENCES orders (id),
  product_id  BIGINT NOT NULL,
  name        TEXT NOT NULL,
  quantity    BIGINT NOT NULL CHECK (quantity > 0),
  price_paise BIGINT NOT NULL CHECK (price_paise >= 0),
  PRIMARY KEY (order_id, product_id)
);

-- Calls owed to other services, written in the transaction that makes them owed. state:
-- pending (due at next_attempt_at), done, dead (gave up after the bounded attempts).
-- seq orders the messages of one order to one upstream (NULL order_id: no ordering).
CREATE TABLE outbox (
  id              BIGINT PRIMARY KEY,
  order_id        BIGINT,
  seq             BIGINT NOT NULL,
  upstream        TEXT NOT NULL,
  target          TEXT NOT NULL,
  body            TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'done', 'dead')),
  attempts        BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      BIGINT NOT NULL
);

CREATE INDEX outbox_due ON outbox (state, next_attempt_at, seq, id);
-- Pruning reads delivered rows oldest first.
CREATE INDEX outbox_by_age ON outbox (state, created_at, id);
CREATE INDEX outbox_by_order ON outbox (order_id, upstream, seq);
