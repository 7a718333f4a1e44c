-- CreateTable
CREATE TABLE "entity_states" (
    "tenant_id" UUID NOT NULL,
    "entity_kind" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "last_event_id" TEXT NOT NULL,
    "last_occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "last_value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "entity_states_pkey" PRIMARY KEY ("tenant_id","entity_kind","entity_id")
);

-- CreateTable
CREATE TABLE "entity_observations" (
    "tenant_id" UUID NOT NULL,
    "entity_kind" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "previous_value" DOUBLE PRECISION,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "entity_observations_pkey" PRIMARY KEY ("tenant_id","entity_kind","entity_id","event_id")
);

-- CreateTable
CREATE TABLE "data_source_states" (
    "tenant_id" UUID NOT NULL,
    "data_source_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "last_status" TEXT NOT NULL,
    "last_run_id" TEXT NOT NULL,
    "last_started_at" TIMESTAMPTZ(3) NOT NULL,
    "last_completed_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error_code" TEXT,
    "last_error_message" TEXT,
    "last_event_id" TEXT NOT NULL,
    "last_occurred_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "data_source_states_pkey" PRIMARY KEY ("tenant_id","data_source_id")
);

-- CreateTable
CREATE TABLE "segment_states" (
    "tenant_id" UUID NOT NULL,
    "segment_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "member_count" INTEGER NOT NULL,
    "last_run_id" TEXT,
    "last_event_id" TEXT NOT NULL,
    "last_occurred_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "segment_states_pkey" PRIMARY KEY ("tenant_id","segment_id")
);

-- CreateTable
CREATE TABLE "measure_states" (
    "tenant_id" UUID NOT NULL,
    "measure_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "last_run_id" TEXT,
    "last_event_id" TEXT NOT NULL,
    "last_occurred_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "measure_states_pkey" PRIMARY KEY ("tenant_id","measure_id")
);

-- CreateTable
CREATE TABLE "refresh_runs" (
    "tenant_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "trigger" TEXT,
    "status" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "completed_at" TIMESTAMPTZ(3) NOT NULL,
    "components" JSONB NOT NULL DEFAULT '[]',
    "stages" JSONB,
    "event_id" TEXT NOT NULL,

    CONSTRAINT "refresh_runs_pkey" PRIMARY KEY ("tenant_id","kind","run_id")
);

-- CreateIndex
CREATE INDEX "refresh_runs_tenant_id_completed_at_run_id_idx" ON "refresh_runs"("tenant_id", "completed_at" DESC, "run_id");
