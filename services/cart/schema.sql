-- cart_db: the cart service's own database. Portable SQL: it runs unchanged on PostgreSQL
-- and SQLite. Times are unix seconds.

-- One row per user who ever changed a cart. Every change to a user's lines first bumps this
-- row, so on PostgreSQL the row lock serialises one user's changes (the 100-line bound and
-- the 50-unit bound hold under concurrent requests); SQLite serialises writers anyway.
CREATE TABLE carts (
  user_id    BIGINT PRIMARY KEY,
  version    BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE cart_lines (
  user_id    BIGINT NOT NULL,
  product_id BIGINT NOT NULL,
  quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 50),
  added_at   BIGINT NOT NULL,
  PRIMARY KEY (user_id, product_id)
);

-- Orders whose lines were already taken out of a cart: the checkout-clear is idempotent by
-- order id, so the order service's retries change nothing the second time.
CREATE TABLE applied_checkouts (
  order_id   BIGINT PRIMARY KEY,
  user_id    BIGINT NOT NULL,
  applied_at BIGINT NOT NULL
);
