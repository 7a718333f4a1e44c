-- Each tenant's subscriptions that are not deleted, for REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT:
-- a subscribe read one row here instead of counting the tenant's rows (a statement that grew
-- with the tenant: 10,000 subscriptions made it most of the Postgres time of a subscribe call).
-- Kept by triggers on subscriptions, so every path that writes subscriptions (the registry, a
-- tenant's erasure, retention) keeps it exact; statement-level, one upsert per statement.
CREATE TABLE "tenant_subscription_counts" (
    "tenant_id" UUID NOT NULL,
    "live" INTEGER NOT NULL,

    CONSTRAINT "tenant_subscription_counts_pkey" PRIMARY KEY ("tenant_id")
);

INSERT INTO "tenant_subscription_counts" ("tenant_id", "live")
SELECT "tenant_id", count(*) FROM "subscriptions" WHERE "status" <> 'deleted' GROUP BY "tenant_id";

-- Adds each tenant's change, in tenant order (two statements lock rows alike); a tenant left
-- with none has no row (an erased tenant leaves nothing).
CREATE FUNCTION "apply_subscription_count_deltas"(deltas "tenant_subscription_counts"[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "tenant_subscription_counts" AS c ("tenant_id", "live")
  SELECT "tenant_id", sum("live") FROM unnest(deltas) GROUP BY "tenant_id" HAVING sum("live") <> 0 ORDER BY "tenant_id"
  ON CONFLICT ("tenant_id") DO UPDATE SET "live" = c."live" + EXCLUDED."live";
  DELETE FROM "tenant_subscription_counts" WHERE "live" = 0 AND "tenant_id" IN (SELECT "tenant_id" FROM unnest(deltas));
$$;

CREATE FUNCTION "count_inserted_subscriptions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "apply_subscription_count_deltas"(ARRAY(
    SELECT ROW("tenant_id", 1)::"tenant_subscription_counts" FROM new_rows WHERE "status" <> 'deleted'));
  RETURN NULL;
END $$;

CREATE FUNCTION "count_updated_subscriptions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "apply_subscription_count_deltas"(ARRAY(
    SELECT ROW("tenant_id", 1)::"tenant_subscription_counts" FROM new_rows WHERE "status" <> 'deleted'
    UNION ALL
    SELECT ROW("tenant_id", -1)::"tenant_subscription_counts" FROM old_rows WHERE "status" <> 'deleted'));
  RETURN NULL;
END $$;

CREATE FUNCTION "count_deleted_subscriptions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "apply_subscription_count_deltas"(ARRAY(
    SELECT ROW("tenant_id", -1)::"tenant_subscription_counts" FROM old_rows WHERE "status" <> 'deleted'));
  RETURN NULL;
END $$;

CREATE TRIGGER "subscriptions_count_inserted" AFTER INSERT ON "subscriptions"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_inserted_subscriptions"();
CREATE TRIGGER "subscriptions_count_updated" AFTER UPDATE ON "subscriptions"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_updated_subscriptions"();
CREATE TRIGGER "subscriptions_count_deleted" AFTER DELETE ON "subscriptions"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "count_deleted_subscriptions"();
