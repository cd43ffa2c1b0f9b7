-- delivery_db, migration 3: a partner's list of orders in the order it is shown.
--
-- The listing puts the partner's active orders first, then the rest newest first. Ordered
-- by the same expression, the index hands the page over without sorting the partner's whole
-- history (every partner polls it every second). It replaces the (partner_id, order_id)
-- index, whose only reader was that listing; the foreign key on partner_id uses either.
DROP INDEX assignments_by_partner;

CREATE INDEX assignments_by_partner_listing ON assignments (
  partner_id,
  (CASE WHEN status IN ('assigned', 'picked_up') THEN 0 ELSE 1 END),
  updated_at DESC,
  order_id DESC
);
