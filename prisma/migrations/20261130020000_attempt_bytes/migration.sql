-- A response excerpt is what a receiver sent: any bytes, NUL and invalid UTF-8 included, which
-- `text` cannot hold (an attempt answered so could not be recorded, and was sent again forever).
ALTER TABLE "delivery_attempts" ALTER COLUMN "response_excerpt" TYPE BYTEA USING convert_to("response_excerpt", 'UTF8');

-- A delivery goes to its subscription's endpoint as the dispatcher knows it (dispatch_endpoints),
-- never to a URL carried by the delivery request: whoever could write to the deliveries topic
-- could otherwise have any body signed and sent anywhere.
ALTER TABLE "deliveries" DROP COLUMN "callback_url";
