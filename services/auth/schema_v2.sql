-- auth_db, migration 2: the role CHECK on users, written without an IN list.
--
-- SQLite checks `role IN ('a', 'b', 'c')` (three or more constants) by building a throwaway
-- b-tree of the list on every INSERT, and on every UPDATE that sets the column: a pager, a
-- hash table and two zeroed pages for each registration and each role change. A chain of
-- comparisons allows the same values and costs nothing measurable on either engine.
--
-- Neither engine can rewrite a CHECK in place in the same words, and refresh_tokens refers
-- to users, so the table is not rebuilt: the column is. A new column with the new CHECK takes
-- the values, the old column goes (its CHECK with it) and the new one takes its name. The
-- column moves last, which no statement notices (they all name their columns). Adding a
-- NOT NULL column needs a default on SQLite: 'customer', the role every registration gets.

ALTER TABLE users ADD COLUMN role_checked TEXT NOT NULL DEFAULT 'customer'
  CONSTRAINT users_role_allowed
  CHECK (role_checked = 'customer' OR role_checked = 'partner' OR role_checked = 'admin');

UPDATE users SET role_checked = role;

ALTER TABLE users DROP COLUMN role;

ALTER TABLE users RENAME COLUMN role_checked TO role;
