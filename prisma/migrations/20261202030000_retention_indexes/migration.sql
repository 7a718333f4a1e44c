-- Retention (issue 15): each owner deletes old rows in small batches, found by these indexes.
-- Final deliveries by status and when they became final (pending rows are never in it).
CREATE INDEX "deliveries_final_idx" ON "deliveries"("status", "completed_at") WHERE status <> 'pending';

-- Observations by when they were applied.
CREATE INDEX "entity_observations_applied_idx" ON "entity_observations"("applied_at");

-- Runs by when they completed (the other index on it leads with the tenant).
CREATE INDEX "refresh_runs_completed_idx" ON "refresh_runs"("completed_at");
