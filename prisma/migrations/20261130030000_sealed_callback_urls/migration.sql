-- Callback URLs carry the token that starts the flow (Power Automate's `sig=`): they are kept
-- sealed (AES-256-GCM with TRIPLINE_SECRETS_KEY), like the signing secrets. SQL cannot seal (the
-- key is the services'), so the plaintext moves into the sealed columns here and is sealed in
-- place when the services start: the registry seals its rows (and republishes each subscription
-- sealed, a version up, so the compacted topic drops the plaintext records), the dispatcher seals
-- its endpoints. Both do so before they serve anything; until then no service of the new
-- version reads these rows.
ALTER TABLE "subscriptions" RENAME COLUMN "callback_url" TO "sealed_callback_url";
-- Filled in by the registry along with the seal; the same redaction as every new subscription's.
ALTER TABLE "subscriptions" ADD COLUMN "redacted_callback_url" TEXT NOT NULL DEFAULT '';
ALTER TABLE "subscriptions" ALTER COLUMN "redacted_callback_url" DROP DEFAULT;

-- The evaluator never calls anyone back: it keeps no URL at all.
ALTER TABLE "trigger_subscriptions" DROP COLUMN "callback_url";

ALTER TABLE "dispatch_endpoints" RENAME COLUMN "callback_url" TO "sealed_callback_url";

-- Deliveries are posted to their endpoint's URL: none keeps a copy. (IF EXISTS: the dispatcher's
-- own change to post only to the endpoint's URL may drop it first.)
ALTER TABLE "deliveries" DROP COLUMN IF EXISTS "callback_url";
