-- "Why did (not) my flow fire?" (issue 16): one row per evaluated event, written by the evaluator
-- in the round trips each batch already makes, never a row per (event, subscription). The gateway
-- explains each subscription from it at query time (the ids fired, and the facts the trigger
-- rules judged: the status, the run's trigger and scope, the observation's values).

-- CreateTable
CREATE TABLE "event_evaluations" (
    "tenant_id" UUID NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    -- dataSource | segment | measure | refresh | unification, and its id (a run's id for the last two)
    "entity_kind" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    -- When the evaluator began matching it: a subscription made later cannot have been looked up.
    "evaluated_at" TIMESTAMPTZ(3) NOT NULL,
    -- The trigger whose subscriptions it was matched against; null: none (a refresh still retrying, a partial refresh).
    "trigger" TEXT,
    "status" TEXT,
    "run_trigger" TEXT,
    "scope" TEXT,
    -- Segments and measures: first | applied | replayed | stale | same-instant, the value before and
    -- the event's own, and when the value before (or the last applied, for stale ones) was observed.
    "observation" TEXT,
    "previous_value" DOUBLE PRECISION,
    "value" DOUBLE PRECISION,
    "previous_at" TIMESTAMPTZ(6),
    -- Every subscription a delivery request was published for (a later evaluation of the same event adds to it).
    "fired" UUID[] NOT NULL DEFAULT '{}',

    CONSTRAINT "event_evaluations_pkey" PRIMARY KEY ("tenant_id","event_id")
);

-- CreateIndex
-- The tenant's evaluated events, newest first (keyset paging), and the same per entity (the
-- console's search; the other reports of a run).
CREATE INDEX "event_evaluations_recent_idx" ON "event_evaluations"("tenant_id", "evaluated_at" DESC, "event_id" DESC);
CREATE INDEX "event_evaluations_entity_idx" ON "event_evaluations"("tenant_id", "entity_id", "evaluated_at" DESC, "event_id" DESC);

-- CreateIndex
-- What retention deletes: rows are written in about evaluated_at order, so a BRIN index finds the
-- old ones at a fraction of a B-tree's size and insert cost.
CREATE INDEX "event_evaluations_evaluated_idx" ON "event_evaluations" USING BRIN ("evaluated_at");
