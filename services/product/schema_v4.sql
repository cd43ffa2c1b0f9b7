-- product_db, migration 4: the catalogue's version.
--
-- One number that every change to what the public listing shows (a product created, edited,
-- moved to another category, deactivated or reactivated) raises in the same transaction.
-- A product service keeps the listing pages it rendered, each with the version it read them
-- at; a page is served again only while the version is still the one in this row, so every
-- replica sees every other replica's changes at once. Stock is not part of the listing, so
-- restocks and reservations leave the version alone.

CREATE TABLE catalogue_version (
  id      BIGINT PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL CHECK (version >= 0)
);

INSERT INTO catalogue_version (id, version) VALUES (1, 0);
