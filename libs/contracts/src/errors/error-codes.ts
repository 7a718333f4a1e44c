import { z } from 'zod';

/**
 * Every code an HTTP error answer can carry, with its status and what it means. Clients branch
 * on these strings, so a code and its status never change once published; a new meaning gets a
 * new code. Codes are lower snake case: the error filter keeps a body's code only if it is one
 * of these, and names any other error by its status.
 */
export const ERROR_CATALOGUE = [
  {
    code: 'bad_request',
    status: 400,
    meaning: 'The request was refused before the API read it (malformed JSON, for one); any other 4xx without a code of its own carries it too, with its own status.',
  },
  { code: 'validation_failed', status: 400, meaning: 'A field of the body, query or path is missing or wrong; `issues` names each one by its path.' },
  { code: 'unauthorized', status: 401, meaning: 'The API key (X-API-Key), the admin token (Authorization: Bearer) or the console session (its cookie) is missing, wrong or expired.' },
  { code: 'forbidden', status: 403, meaning: 'The caller is known, but this request is not allowed.' },
  { code: 'not_found', status: 404, meaning: "No such route, or no such resource for this tenant (another tenant's ids answer the same)." },
  {
    code: 'subscription_limit_reached',
    status: 409,
    meaning: 'The tenant has as many subscriptions as it may (REGISTRY_MAX_SUBSCRIPTIONS_PER_TENANT); delete one first.',
  },
  { code: 'api_key_limit_reached', status: 409, meaning: 'The tenant has as many active API keys as it may (20); revoke one first.' },
  {
    code: 'last_api_key',
    status: 409,
    meaning: "Revoking this key would leave the tenant without an active API key, locked out; rotate it instead, or create another key first.",
  },
  {
    code: 'dead_letter_replayed',
    status: 409,
    meaning: 'The dead letter was replayed before; replaying it again hands its consumer the message a second time, so it needs `force: true`.',
  },
  {
    code: 'dead_letter_not_replayable',
    status: 409,
    meaning: 'The dead letter cannot be replayed: only a prefix of its bytes was kept, it had no value, or its source topic is not one of this deployment.',
  },
  { code: 'payload_too_large', status: 413, meaning: "The request body is over the service's body size limit." },
  {
    code: 'event_too_large',
    status: 413,
    meaning: 'Ingestion: an event is over INGEST_MAX_EVENT_BYTES as published; `issues` names it, `limit` gives the limit. Final: split it.',
  },
  {
    code: 'rate_limited',
    status: 429,
    meaning: "Over the tenant's request budget, or this address sent too many wrong admin tokens; Retry-After says when to come back.",
  },
  { code: 'internal', status: 500, meaning: 'An unexpected error on our side (any other 5xx too); the answer shows no internals.' },
  {
    code: 'unavailable',
    status: 503,
    meaning: 'Kafka or Postgres is unreachable, or the registry or dispatcher did not answer in time; retry the request.',
  },
] as const satisfies ReadonlyArray<{ code: string; status: number; meaning: string }>;

export type ErrorDefinition = (typeof ERROR_CATALOGUE)[number];
export type ErrorCode = ErrorDefinition['code'];
export const ErrorCode = z.enum(ERROR_CATALOGUE.map((entry) => entry.code) as [ErrorCode, ...ErrorCode[]]);

/** The status a code is answered with: a code and its status are one decision, made here. */
export type ErrorStatus<C extends ErrorCode> = Extract<ErrorDefinition, { code: C }>['status'];

export function errorStatus<C extends ErrorCode>(code: C): ErrorStatus<C> {
  const entry = ERROR_CATALOGUE.find((e) => e.code === code);
  if (!entry) throw new Error(`${code} is not in ERROR_CATALOGUE`);
  return entry.status as ErrorStatus<C>;
}

/** The body of every HTTP error answer of every Tripline service. */
export const ErrorBody = z.object({
  error: ErrorCode.describe('What went wrong, as a code of the error catalogue; branch on it, not on the message'),
  message: z.string().describe('What went wrong, for a person to read; it may change'),
  issues: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe('validation_failed and event_too_large: each bad field, by its path in the request (events[2].data.status)'),
  limit: z.number().int().optional().describe('event_too_large: the largest event accepted, in bytes'),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** What an error answer may carry besides its code and message. */
export type ErrorDetails = Omit<ErrorBody, 'error' | 'message'>;
