import { CallbackUrl, TriggerParams, type TriggerName } from '@tripline/contracts';
import { z } from 'zod';

/**
 * The body of `POST /v1/subscriptions/{trigger}`: the callback plus that trigger's parameters.
 * Built once per trigger: building a zod schema costs more than checking a body with it.
 */
export function subscribeBodyFor(trigger: TriggerName) {
  let body = bodies.get(trigger);
  if (!body) {
    body = buildBody(trigger);
    bodies.set(trigger, body);
  }
  return body;
}

const bodies = new Map<TriggerName, ReturnType<typeof buildBody>>();

function buildBody(trigger: TriggerName) {
  return TriggerParams[trigger]
    .extend({
      callbackUrl: CallbackUrl,
      handshake: z
        .boolean()
        .default(false)
        .describe('Ask the callback to prove it wants the events (a validation handshake) before any is sent'),
    })
    .strict();
}
export type SubscribeBody = z.infer<ReturnType<typeof subscribeBodyFor>>;
