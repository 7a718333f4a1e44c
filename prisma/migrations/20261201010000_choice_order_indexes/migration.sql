-- The pickers (/v1/choices/*) list a tenant's entities by lower(name), then id, stopping after
-- 10,001 rows: with these the rows come in that order off the index, instead of a tenant's every
-- row being read and sorted on each call (the designer calls once per dropdown it opens).
-- Expression indexes cannot be written in schema.prisma; the models there point here.
-- Size: a name is at most 500 UTF-16 code units (at most 1,500 bytes of UTF-8, lower-cased or
-- not) and an id at most 200 (600 bytes), well under a btree entry's 2,704-byte limit.

-- CreateIndex
CREATE INDEX "data_source_states_tenant_id_lower_name_data_source_id_idx" ON "data_source_states"("tenant_id", lower("name"), "data_source_id");

-- CreateIndex
CREATE INDEX "segment_states_tenant_id_lower_name_segment_id_idx" ON "segment_states"("tenant_id", lower("name"), "segment_id");

-- CreateIndex
CREATE INDEX "measure_states_tenant_id_lower_name_measure_id_idx" ON "measure_states"("tenant_id", lower("name"), "measure_id");
