-- A segment's member count is any safe integer the contract accepts (up to 2^53 - 1), which an
-- integer column (up to 2^31 - 1) could not store: the read model's write failed and was retried.
ALTER TABLE "segment_states" ALTER COLUMN "member_count" SET DATA TYPE BIGINT;
