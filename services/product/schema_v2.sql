-- product_db, migration 2: reservations and the stock ledger.
--
-- Per product, at every commit:
--   stock.available + (units on held reservations) + (units on confirmed reservations)
--     == SUM(stock_movements.quantity)   (the initial stock plus every restock)
-- and stock.available >= 0 (the CHECK of migration 1). A checker can verify both with plain
-- queries on this database.

-- Units that entered the shop: a product's initial stock and each restock. Rows are only
-- ever inserted.
CREATE TABLE stock_movements (
  product_id  BIGINT NOT NULL REFERENCES products (id),
  movement_id BIGINT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('initial', 'restock')),
  quantity    BIGINT NOT NULL CHECK (quantity >= 0),
  created_at  BIGINT NOT NULL,
  PRIMARY KEY (product_id, movement_id)
);

-- Stock rows that existed before the ledger count as initial stock (movement 0), so the
-- invariant holds for them from this migration on.
INSERT INTO stock_movements (product_id, movement_id, kind, quantity, created_at)
  SELECT product_id, 0, 'initial', available, 0 FROM stock;

-- A reservation of stock for an order, by the id its caller chose. A tombstone is a
-- reservation released before it was ever made (a cancelled checkout whose reserve arrives
-- late): it has no lines, and a reserve with its id is refused.
CREATE TABLE reservations (
  id         TEXT PRIMARY KEY,
  status     TEXT NOT NULL CHECK (status IN ('held', 'confirmed', 'released', 'expired')),
  tombstone  INTEGER NOT NULL DEFAULT 0 CHECK (tombstone IN (0, 1)),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- The expiry sweep reads held reservations in expiry order.
CREATE INDEX reservations_by_status_expiry ON reservations (status, expires_at);

-- One product of a reservation, with the name and price it was reserved at.
CREATE TABLE reservation_lines (
  reservation_id TEXT NOT NULL REFERENCES reservations (id),
  product_id     BIGINT NOT NULL REFERENCES products (id),
  quantity       BIGINT NOT NULL CHECK (quantity > 0),
  name           TEXT NOT NULL,
  price_paise    BIGINT NOT NULL CHECK (price_paise >= 0),
  PRIMARY KEY (reservation_id, product_id)
);

-- The invariant's sums per product.
CREATE INDEX reservation_lines_by_product ON reservation_lines (product_id);
