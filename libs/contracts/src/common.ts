import { z } from 'zod';

export { Code, Count, DisplayName, ExternalId, FiniteNumber, IsoDateTime, freeText, singleLine } from './storable';

export const TenantId = z.uuid();
export type TenantId = z.infer<typeof TenantId>;

/** One problem with one field, as every edge reports it (HTTP 400 body, dead-letter record). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Turns zod's issues into paths a user can find in their own payload, e.g. `events[2].data.status`. */
export function describeIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath(prefix, issue.path),
    message: issue.message,
  }));
}

function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(root)';
}
