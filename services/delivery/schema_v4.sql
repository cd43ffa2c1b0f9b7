-- delivery_db, migration 4: the status CHECK on partners, written without an IN list.
--
-- SQLite checks `status IN ('a', 'b', 'c')` (three or more constants) by building a throwaway
-- b-tree of the list on every INSERT, and on every UPDATE that sets the column: a pager, a
-- hash table and two zeroed pages each time a partner turns busy or available, twice per
-- delivery. A chain of comparisons allows the same values and costs nothing measurable on
-- either engine.
--
-- Migration 2 rebuilt assignments, which no table refers to; assignments refers to partners,
-- so partners is not rebuilt: its column is. A new column with the new CHECK takes the
-- values, the index on the old column and the old column go (its CHECK with it), the new one
-- takes its name and the index comes back. The column moves last, which no statement notices
-- (they all name their columns). Adding a NOT NULL column needs a default on SQLite:
-- 'offline', the status every partner profile starts in.

ALTER TABLE partners ADD COLUMN status_checked TEXT NOT NULL DEFAULT 'offline'
  CONSTRAINT partners_status_allowed
  CHECK (status_checked = 'available' OR status_checked = 'busy'
         OR status_checked = 'offline');

UPDATE partners SET status_checked = status;

DROP INDEX partners_by_status;

ALTER TABLE partners DROP COLUMN status;

ALTER TABLE partners RENAME COLUMN status_checked TO status;

CREATE INDEX partners_by_status ON partners (status, user_id);
