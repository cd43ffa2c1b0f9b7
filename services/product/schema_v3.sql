-- product_db, migration 3: the status CHECK on reservations, written without an IN list.
--
-- SQLite checks `status IN ('a', 'b', 'c')` (three or more constants) by building a throwaway
-- b-tree of the list on every INSERT, and on every UPDATE that sets the column: a pager, a
-- hash table and two zeroed pages for each reserve, confirm, release and expiry, the
-- checkout's hottest writes. A chain of comparisons allows the same values and costs nothing
-- measurable on either engine.
--
-- Neither engine can rewrite a CHECK in place in the same words, and reservation_lines refers
-- to reservations, so the table is not rebuilt: the column is. A new column with the new
-- CHECK takes the values, the index on the old column and the old column go (its CHECK with
-- it), the new one takes its name and the index comes back. The column moves last, which no
-- statement notices (they all name their columns). Adding a NOT NULL column needs a default
-- on SQLite: 'held', the status every reservation starts in.

ALTER TABLE reservations ADD COLUMN status_checked TEXT NOT NULL DEFAULT 'held'
  CONSTRAINT reservations_status_allowed
  CHECK (status_checked = 'held' OR status_checked = 'confirmed'
         OR status_checked = 'released' OR status_checked = 'expired');

UPDATE reservations SET status_checked = status;

DROP INDEX reservations_by_status_expiry;

ALTER TABLE reservations DROP COLUMN status;

ALTER TABLE reservations RENAME COLUMN status_checked TO status;

CREATE INDEX reservations_by_status_expiry ON reservations (status, expires_at);
