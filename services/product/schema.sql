-- product_db: the product service's own database. Portable SQL: it runs unchanged on
-- PostgreSQL and SQLite. Ids are chosen by the service (below 2^53 so JSON clients keep them
-- exact), so no SERIAL or AUTOINCREMENT. Money is integer paise; times are unix seconds.

CREATE TABLE categories (
  id   BIGINT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);

CREATE TABLE products (
  id          BIGINT PRIMARY KEY,
  category_id BIGINT NOT NULL REFERENCES categories (id),
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  price_paise BIGINT NOT NULL CHECK (price_paise >= 0),
  active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at  BIGINT NOT NULL
);

-- Listing filters by category and pages by id.
CREATE INDEX products_by_category ON products (category_id, id);

-- Units on hand and not reserved. The CHECK is the last line against overselling: an
-- update that would take it below zero fails instead of committing.
CREATE TABLE stock (
  product_id BIGINT PRIMARY KEY REFERENCES products (id),
  available  BIGINT NOT NULL CHECK (available >= 0)
);
