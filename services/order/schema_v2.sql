-- order_db, migration 2: where each outbox message comes from.
--
-- A message written by a request remembers that request's id and the traceparent of a call
-- made inside its span, so the dispatcher's delivery, however much later, continues the
-- request's trace (gateway -> order -> delivery/notification in the logs). Both are NULL for
-- rows written before this migration and for rows written outside a request (the recovery
-- sweep): those are delivered in a trace of their own, as before.
ALTER TABLE outbox ADD COLUMN request_id TEXT;
ALTER TABLE outbox ADD COLUMN traceparent TEXT;
