-- The W3C traceparent of the delivery request a delivery came from (null when tracing was off):
-- its attempts, made later and maybe by another dispatcher instance, join the event's trace.

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN "traceparent" TEXT;
