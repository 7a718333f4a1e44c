-- The exact body is the one copy of a delivery's payload: the delivery log parses it back. The
-- JSONB copy cost every insert a parse and the payload stored twice.
UPDATE "deliveries" SET "body" = "payload"::text WHERE "body" IS NULL;
ALTER TABLE "deliveries" ALTER COLUMN "body" SET NOT NULL;
ALTER TABLE "deliveries" DROP COLUMN "payload";

-- Partial indexes: only deliveries that may still be due, and only outcomes still to publish. A
-- delivered row leaves both, so its final update writes no entry into either.
DROP INDEX "deliveries_status_next_attempt_at_idx";
CREATE INDEX "deliveries_due_idx" ON "deliveries"("next_attempt_at") WHERE status = 'pending';
DROP INDEX "deliveries_outcome_pending_idx";
CREATE INDEX "deliveries_outcome_pending_idx" ON "deliveries"("completed_at") WHERE outcome_pending;
