-- The dispatcher's tripline_endpoints_disabled gauge counts disabled endpoints at every scrape:
-- with this partial index that count reads only the disabled endpoints' index entries, not
-- every endpoint (one per subscription) in the table.

-- CreateIndex
CREATE INDEX "dispatch_endpoints_disabled_idx" ON "dispatch_endpoints"("subscription_id") WHERE status = 'disabled';
