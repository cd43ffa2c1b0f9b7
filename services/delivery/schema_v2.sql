-- delivery_db, migration 2: the CHECK constraints on assignments, written without IN lists.
--
-- SQLite checks `status IN ('a', 'b', 'c')` (three or more constants, NOT IN alike) by
-- building a throwaway b-tree of the list on every INSERT, and on every UPDATE that sets the
-- column: assignments had two such lists, about 30 us a write. Comparison chains allow the
-- same values and cost nothing measurable on either engine.
--
-- SQLite cannot alter a constraint, so the table is rebuilt under its name: renamed aside,
-- created anew, its rows copied, the old one dropped, its indexes created again. Columns,
-- keys and indexes are as before; no other table refers to assignments.

ALTER TABLE assignments RENAME TO assignments_v1;

CREATE TABLE assignments (
  order_id     BIGINT PRIMARY KEY,
  user_id      BIGINT,
  partner_id   BIGINT REFERENCES partners (user_id),
  dest_lat     DOUBLE PRECISION,
  dest_lon     DOUBLE PRECISION,
  status       TEXT NOT NULL
               CHECK (status = 'waiting' OR status = 'assigned' OR status = 'picked_up'
                      OR status = 'delivered' OR status = 'cancelled'),
  created_at   BIGINT NOT NULL,
  assigned_at  BIGINT,
  picked_up_at BIGINT,
  delivered_at BIGINT,
  cancelled_at BIGINT,
  updated_at   BIGINT NOT NULL,
  CHECK (status <> 'waiting' OR partner_id IS NULL),
  CHECK ((status <> 'assigned' AND status <> 'picked_up' AND status <> 'delivered')
         OR partner_id IS NOT NULL),
  CHECK (status = 'cancelled' OR (user_id IS NOT NULL AND dest_lat IS NOT NULL
                                  AND dest_lon IS NOT NULL))
);

INSERT INTO assignments (order_id, user_id, partner_id, dest_lat, dest_lon, status, created_at,
                         assigned_at, picked_up_at, delivered_at, cancelled_at, updated_at)
  SELECT order_id, user_id, partner_id, dest_lat, dest_lon, status, created_at, assigned_at,
         picked_up_at, delivered_at, cancelled_at, updated_at
  FROM assignments_v1;

DROP TABLE assignments_v1;

-- As in migration 1 (a two-value list costs SQLite no b-tree).
CREATE UNIQUE INDEX assignments_one_active_per_partner ON assignments (partner_id)
  WHERE status IN ('assigned', 'picked_up');
CREATE INDEX assignments_by_status ON assignments (status, created_at, order_id);
CREATE INDEX assignments_by_partner ON assignments (partner_id, order_id);
