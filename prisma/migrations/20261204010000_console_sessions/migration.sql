-- Console sessions (issue 16): the browser console signs in once and then carries an HttpOnly
-- cookie instead of a credential it would have to keep in localStorage. Only SHA-256 digests of
-- the session token and of the CSRF token are stored: a copy of this table signs no one in.

-- CreateTable
CREATE TABLE "console_sessions" (
    "digest" TEXT NOT NULL,
    "csrf_digest" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "tenant_id" UUID,
    "api_key_prefix" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "console_sessions_pkey" PRIMARY KEY ("digest"),
    -- A tenant's session names its tenant and the key it signed in with; an operator's neither.
    CONSTRAINT "console_sessions_kind_check" CHECK (
        ("kind" = 'tenant' AND "tenant_id" IS NOT NULL AND "api_key_prefix" IS NOT NULL)
        OR ("kind" = 'operator' AND "tenant_id" IS NULL AND "api_key_prefix" IS NULL))
);

-- CreateIndex
CREATE INDEX "console_sessions_api_key_prefix_idx" ON "console_sessions"("api_key_prefix");

-- CreateIndex
-- Retention deletes sessions past their absolute end by it. Idle ones it finds by last_seen_at,
-- on purpose without an index: the table holds only live sessions, and an unindexed column
-- keeps the once-a-minute touch a HOT update.
CREATE INDEX "console_sessions_expires_at_idx" ON "console_sessions"("expires_at");

-- AddForeignKey
-- Deleting the key (or, through it, the tenant: erasure) ends its sessions.
ALTER TABLE "console_sessions" ADD CONSTRAINT "console_sessions_api_key_prefix_fkey" FOREIGN KEY ("api_key_prefix") REFERENCES "api_keys"("prefix") ON DELETE CASCADE ON UPDATE CASCADE;
