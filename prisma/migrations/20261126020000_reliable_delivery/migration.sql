-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN "secrets" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN "handshake" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN "body" TEXT,
ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3),
ADD COLUMN "locked_until" TIMESTAMPTZ(3),
ADD COLUMN "last_status_code" INTEGER,
ADD COLUMN "last_error" TEXT,
ADD COLUMN "outcome_pending" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "disabled_reason" TEXT;

-- Deliveries recorded before this migration and still pending are due now.
UPDATE "deliveries" SET "next_attempt_at" = "created_at" WHERE "status" = 'pending';

-- CreateTable
CREATE TABLE "dispatch_endpoints" (
    "subscription_id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "callback_url" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "secrets" JSONB NOT NULL DEFAULT '[]',
    "version" INTEGER NOT NULL,
    "failing_since" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),

    CONSTRAINT "dispatch_endpoints_pkey" PRIMARY KEY ("subscription_id")
);

-- CreateIndex
CREATE INDEX "deliveries_status_next_attempt_at_idx" ON "deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "deliveries_outcome_pending_idx" ON "deliveries"("outcome_pending");
