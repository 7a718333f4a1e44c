-- Dead letters, stored for operators (issue 16): the gateway reads tripline.dead-letters.v1 in a
-- consumer group of its own and keeps each letter here, so the console can list them (filtered,
-- paged) and replay one to its source topic once its cause is fixed. Kept
-- RETENTION_DEAD_LETTERS_DAYS, like the topic; a tenant's erasure deletes the ones naming it.

-- CreateTable
CREATE TABLE "dead_letters" (
    -- Derived from where the dead letter itself sits (its topic, partition and offset), so a
    -- redelivered record is the same row: the insert is ON CONFLICT DO NOTHING.
    "id" UUID NOT NULL,
    "letter_topic" TEXT NOT NULL,
    "letter_partition" INTEGER NOT NULL,
    "letter_offset" BIGINT NOT NULL,
    -- The tenant the dead message names (its tenantId), when it names an existing-looking one.
    "tenant_id" UUID,
    "reason" TEXT NOT NULL,
    "issues" JSONB NOT NULL DEFAULT '[]',
    -- Where the dead message was: the topic as on the broker (namespace included), and who failed it.
    "source_topic" TEXT NOT NULL,
    "source_partition" INTEGER NOT NULL,
    "source_offset" BIGINT NOT NULL,
    "consumer_group" TEXT NOT NULL,
    "message_key" TEXT,
    -- The original bytes (or their first 64 KiB: payload_truncated), whatever they were.
    "payload" BYTEA,
    "payload_bytes" INTEGER NOT NULL,
    "payload_truncated" BOOLEAN NOT NULL,
    -- Its headers ([{key, value}], as text), sent again with it by a replay.
    "headers" JSONB NOT NULL DEFAULT '[]',
    "failed_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "replayed_at" TIMESTAMPTZ(3),
    "replay_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "dead_letters_letter_key" ON "dead_letters"("letter_topic", "letter_partition", "letter_offset");

-- CreateIndex
-- The operators' list, newest first (keyset paging), whole or per tenant or source topic; the
-- first also finds what retention deletes.
CREATE INDEX "dead_letters_recent_idx" ON "dead_letters"("failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_tenant_idx" ON "dead_letters"("tenant_id", "failed_at" DESC, "id" DESC);
CREATE INDEX "dead_letters_source_idx" ON "dead_letters"("source_topic", "failed_at" DESC, "id" DESC);
