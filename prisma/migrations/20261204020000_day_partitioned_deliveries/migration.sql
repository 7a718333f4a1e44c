-- Retention without deletes (issue 15): deliveries and their attempts are kept in one partition
-- per UTC day (`log_day`), and retention drops a day's partitions whole: no row deleted, no WAL
-- per row, no vacuum after, so the delivery path does not pay for retention. Why the key is a
-- day of its own and not created_at, and how a row outlives its day: docs/operations.md.
--
-- An attempt is kept in its delivery's day, so both go together. The foreign key goes: a
-- partition of a table referenced by a key cannot be dropped without checking every
-- referencing row, and its ON DELETE CASCADE was only ever used by row deletes.

CREATE TABLE "deliveries_by_day" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "subscription_id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),
    "body" TEXT NOT NULL,
    "next_attempt_at" TIMESTAMPTZ(3),
    "locked_until" TIMESTAMPTZ(3),
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "outcome_pending" BOOLEAN NOT NULL DEFAULT false,
    "disabled_reason" TEXT,
    "traceparent" TEXT,
    "log_day" DATE NOT NULL DEFAULT ((now() AT TIME ZONE 'UTC')::date)
) PARTITION BY RANGE ("log_day");

CREATE TABLE "delivery_attempts_by_day" (
    "id" BIGINT NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempt_number" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "status_code" INTEGER,
    "duration_ms" INTEGER NOT NULL,
    "error" TEXT,
    "response_excerpt" BYTEA,
    "log_day" DATE NOT NULL
) PARTITION BY RANGE ("log_day");

-- A partition for every day that has deliveries, and for the week ahead (the dispatcher keeps
-- creating them ahead from now on: DeliveryPartitions).
DO $$
DECLARE
  first_day date := LEAST(
    (SELECT min((created_at AT TIME ZONE 'UTC')::date) FROM deliveries),
    (now() AT TIME ZONE 'UTC')::date);
  day date;
BEGIN
  FOR day IN SELECT generate_series(first_day, (now() AT TIME ZONE 'UTC')::date + 7, interval '1 day')::date LOOP
    IF day >= (now() AT TIME ZONE 'UTC')::date OR EXISTS (SELECT 1 FROM deliveries WHERE (created_at AT TIME ZONE 'UTC')::date = day) THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF deliveries_by_day FOR VALUES FROM (%L) TO (%L)', 'deliveries_' || to_char(day, 'YYYYMMDD'), day, day + 1);
      EXECUTE format('CREATE TABLE %I PARTITION OF delivery_attempts_by_day FOR VALUES FROM (%L) TO (%L)', 'delivery_attempts_' || to_char(day, 'YYYYMMDD'), day, day + 1);
    END IF;
  END LOOP;
END $$;

INSERT INTO "deliveries_by_day" ("id", "tenant_id", "subscription_id", "event_id", "trigger", "status", "attempt_count", "created_at", "completed_at", "body",
    "next_attempt_at", "locked_until", "last_status_code", "last_error", "outcome_pending", "disabled_reason", "traceparent", "log_day")
SELECT "id", "tenant_id", "subscription_id", "event_id", "trigger", "status", "attempt_count", "created_at", "completed_at", "body",
    "next_attempt_at", "locked_until", "last_status_code", "last_error", "outcome_pending", "disabled_reason", "traceparent", ("created_at" AT TIME ZONE 'UTC')::date
FROM "deliveries";

INSERT INTO "delivery_attempts_by_day" ("id", "delivery_id", "attempt_number", "started_at", "status_code", "duration_ms", "error", "response_excerpt", "log_day")
SELECT a."id", a."delivery_id", a."attempt_number", a."started_at", a."status_code", a."duration_ms", a."error", a."response_excerpt", (d."created_at" AT TIME ZONE 'UTC')::date
FROM "delivery_attempts" a JOIN "deliveries" d ON d."id" = a."delivery_id";

-- The attempts' id sequence outlives the table it came with.
ALTER SEQUENCE "delivery_attempts_id_seq" OWNED BY NONE;
DROP TABLE "delivery_attempts";
DROP TABLE "deliveries";
ALTER TABLE "deliveries_by_day" RENAME TO "deliveries";
ALTER TABLE "delivery_attempts_by_day" RENAME TO "delivery_attempts";
ALTER TABLE "delivery_attempts" ALTER COLUMN "id" SET DEFAULT nextval('delivery_attempts_id_seq');
ALTER SEQUENCE "delivery_attempts_id_seq" OWNED BY "delivery_attempts"."id";

-- A unique key of a partitioned table holds the partition key: ids are unique per day here, and
-- the dispatcher's intake looks at the day before as well (DeliveryLog.open).
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_pkey" PRIMARY KEY ("id", "log_day");
CREATE INDEX "deliveries_tenant_id_subscription_id_created_at_idx" ON "deliveries"("tenant_id", "subscription_id", "created_at");
CREATE INDEX "deliveries_due_idx" ON "deliveries"("next_attempt_at") WHERE status = 'pending';
CREATE INDEX "deliveries_outcome_pending_idx" ON "deliveries"("completed_at") WHERE outcome_pending;
CREATE INDEX "deliveries_final_idx" ON "deliveries"("status", "completed_at") WHERE status <> 'pending';

ALTER TABLE "delivery_attempts" ADD CONSTRAINT "delivery_attempts_pkey" PRIMARY KEY ("id", "log_day");
CREATE UNIQUE INDEX "delivery_attempts_delivery_id_attempt_number_key" ON "delivery_attempts"("delivery_id", "attempt_number", "log_day");
