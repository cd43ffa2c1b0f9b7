-- delivery_db: the delivery service's own database. Portable SQL: it runs unchanged on
-- PostgreSQL and SQLite. Ids come from other services (a partner is an auth user, an
-- assignment is keyed by its order id); times are unix seconds; positions are degrees.

-- A delivery partner, keyed by the partner's user id. busy means exactly one active
-- assignment (assigned or picked_up) names the partner.
CREATE TABLE partners (
  user_id    BIGINT PRIMARY KEY,
  name       TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('available', 'busy', 'offline')),
  lat        DOUBLE PRECISION NOT NULL CHECK (lat >= -90 AND lat <= 90),
  lon        DOUBLE PRECISION NOT NULL CHECK (lon >= -180 AND lon <= 180),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Assignment scans the available partners.
CREATE INDEX partners_by_status ON partners (status, user_id);

-- One row per order the order service handed over (or cancelled before it arrived: such a
-- tombstone has no user and no destination, and stops a late hand-over from assigning).
CREATE TABLE assignments (
  order_id     BIGINT PRIMARY KEY,
  user_id      BIGINT,
  partner_id   BIGINT REFERENCES partners (user_id),
  dest_lat     DOUBLE PRECISION,
  dest_lon     DOUBLE PRECISION,
  status       TEXT NOT NULL
               CHECK (status IN ('waiting', 'assigned', 'picked_up', 'delivered', 'cancelled')),
  created_at   BIGINT NOT NULL,
  assigned_at  BIGINT,
  picked_up_at BIGINT,
  delivered_at BIGINT,
  cancelled_at BIGINT,
  updated_at   BIGINT NOT NULL,
  CHECK (status <> 'waiting' OR partner_id IS NULL),
  CHECK (status NOT IN ('assigned', 'picked_up', 'delivered') OR partner_id IS NOT NULL),
  CHECK (status = 'cancelled' OR (user_id IS NOT NULL AND dest_lat IS NOT NULL
                                  AND dest_lon IS NOT NULL))
);

-- The last line against double-booking: a partner holds at most one active assignment,
-- whatever two concurrent transactions try.
CREATE UNIQUE INDEX assignments_one_active_per_partner ON assignments (partner_id)
  WHERE status IN ('assigned', 'picked_up');

-- The waiting queue, oldest first.
CREATE INDEX assignments_by_status ON assignments (status, created_at, order_id);

-- A partner's list of orders.
CREATE INDEX assignments_by_partner ON assignments (partner_id, order_id);
