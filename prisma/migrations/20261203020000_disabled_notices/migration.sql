-- The notice of a subscription's latest disabling (the operations topic's message), kept so that
-- a redelivered outcome republishes it exactly as first published, same noticeId included.
ALTER TABLE "subscriptions" ADD COLUMN "disabled_notice" JSONB;
