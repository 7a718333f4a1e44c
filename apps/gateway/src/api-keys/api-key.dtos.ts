import { singleLine } from '@tripline/contracts';
import { PageQuery } from '@tripline/service';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

/**
 * Not control characters, so singleLine lets them pass, but not printable either: line and
 * paragraph separators break a line, and bidirectional controls reorder what the console shows
 * (a name could then pass for another).
 */
const UNPRINTABLE = /[\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
/** A letter, digit, punctuation or symbol: a name of zero-width characters alone shows as nothing. */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

export const ApiKeyName = singleLine(z.string().trim().min(1).max(100))
  .refine((name) => !UNPRINTABLE.test(name), { message: 'must be printable: no line separators or bidirectional controls', abort: true })
  .refine((name) => VISIBLE.test(name), { message: 'must show something: at least one letter, digit, punctuation mark or symbol' })
  .describe("The tenant's name for the key (1-100 printable characters, trimmed), e.g. the system that sends it");

export const NameApiKey = z.object({ name: ApiKeyName }).strict();
export class NameApiKeyDto extends createZodDto(NameApiKey) {}

export const ApiKeysQuery = z.object({ ...PageQuery });
export class ApiKeysQueryDto extends createZodDto(ApiKeysQuery) {}

const instant = (what: string) => z.iso.datetime().describe(what);

export const ApiKeyView = z
  .object({
    id: z.uuid().describe('The id of the key (not the key: it cannot be shown again)'),
    name: z.string().describe("The tenant's name for it"),
    prefix: z.string().describe('What follows tl_ in the key: tells keys apart at a glance, and authenticates nothing'),
    createdAt: instant('When it was made (ISO 8601)'),
    revokedAt: instant('When it was revoked; null while it works').nullable(),
    lastUsedAt: instant('When it last authenticated a request, on the gateway or ingestion, to within a minute; null if never').nullable(),
  })
  .describe('An API key as its tenant sees it: never the key, nor its hash');
export type ApiKeyView = z.infer<typeof ApiKeyView>;
export class ApiKeyDto extends createZodDto(ApiKeyView) {}

export const ApiKeysPage = z.object({
  apiKeys: z.array(ApiKeyView).describe('Newest first, revoked ones included (revokedAt set)'),
  nextCursor: z.string().nullable(),
});
export class ApiKeysPageDto extends createZodDto(ApiKeysPage) {}

export const ApiKeyIssued = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    createdAt: instant('When it was made (ISO 8601)'),
    apiKey: z.string().describe('The key, shown this once: only its hash is stored. Send it as X-API-Key.'),
  })
  .describe('A new API key, shown once');
export type ApiKeyIssued = z.infer<typeof ApiKeyIssued>;
export class ApiKeyIssuedDto extends createZodDto(ApiKeyIssued) {}
