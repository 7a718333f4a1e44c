-- The tenant's whole delivery log newest first (GET /v1/deliveries), whatever the subscription.
-- On the partitioned parent: Postgres builds it on every day's partition, and on each one attached later.
CREATE INDEX "deliveries_tenant_id_created_at_id_idx" ON "deliveries"("tenant_id", "created_at", "id");
