-- Self-service API keys (issue 16): a tenant names its keys, and sees when each was last used.
-- Both columns are added without rewriting the table (a constant default is stored once, in the
-- catalogue). Existing keys, and the key made with each tenant, are named 'default'.

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN "name" TEXT NOT NULL DEFAULT 'default';
-- Written at most once a minute per key (libs/tenancy ApiKeyUsage), never per request. Not
-- indexed, on purpose: an update of unindexed columns alone can be a HOT update (no index entries written).
ALTER TABLE "api_keys" ADD COLUMN "last_used_at" TIMESTAMPTZ(3);

-- CreateIndex
-- A tenant's keys newest first (GET /v1/api-keys); its leading column serves what the old
-- tenant_id index did (erasure, counting a tenant's keys), so that one goes.
CREATE INDEX "api_keys_tenant_id_created_at_id_idx" ON "api_keys"("tenant_id", "created_at" DESC, "id" DESC);
DROP INDEX "api_keys_tenant_id_idx";

-- CreateIndex
-- The operators' tenant list, newest first, paged by (created_at, id).
CREATE INDEX "tenants_created_at_id_idx" ON "tenants"("created_at" DESC, "id" DESC);
