import { TRIGGER_CATALOGUE, type TriggerDefinition } from '@tripline/contracts';
import { z } from 'zod';
import { subscribeBodyFor } from '../subscriptions/subscribe-request';

export interface TriggerDescription {
  name: TriggerDefinition['name'];
  summary: string;
  description: string;
  firedBy: string;
  subscribe: { method: 'POST'; path: string };
  /** JSON Schema of the subscribe body: the callback URL and the trigger's parameters. */
  parameters: Record<string, unknown>;
  /** JSON Schema of the callback body. */
  payload: Record<string, unknown>;
}

/** JSON Schema of a zod contract; `io` picks what a client sends (input) or receives (output). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output', target: 'draft-2020-12' | 'draft-4' | 'openapi-3.0' = 'draft-2020-12'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, target, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

/**
 * The subscribe body as documented. `withHandshake: false` for the Power Automate connector:
 * Power Automate cannot answer a validation handshake, so it must not be offered there.
 */
export function subscribeBodySchema(trigger: TriggerDefinition, { withHandshake = true } = {}): z.ZodObject {
  const callbackUrl = z.url({ protocol: /^https?$/ }).describe('Where to POST each firing; the flow platform fills it in.');
  const body = (trigger.params as z.ZodObject).extend({ callbackUrl });
  return withHandshake ? body.extend({ handshake: subscribeBodyFor(trigger.name).shape.handshake }) : body;
}

/** The catalogue as `GET /v1/triggers` shows it. */
export function describeTriggers(): TriggerDescription[] {
  return TRIGGER_CATALOGUE.map((t) => ({
    name: t.name,
    summary: t.summary,
    description: t.description,
    firedBy: t.firedBy,
    subscribe: { method: 'POST', path: `/v1/subscriptions/${t.name}` },
    parameters: jsonSchema(subscribeBodySchema(t), 'input'),
    payload: jsonSchema(t.payload, 'output'),
  }));
}
