import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const SignIn = z
  .object({
    apiKey: z.string().min(1).max(200).optional().describe("A tenant signs in with its API key (what it sends as X-API-Key)"),
    adminToken: z.string().min(1).max(4096).optional().describe('An operator signs in with TRIPLINE_ADMIN_TOKEN'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.apiKey === undefined && body.adminToken === undefined) {
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'required: apiKey (a tenant) or adminToken (an operator)' });
    } else if (body.apiKey !== undefined && body.adminToken !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['adminToken'], message: 'give apiKey or adminToken, not both' });
    }
  })
  .describe('Exactly one of apiKey (a tenant signs in) and adminToken (an operator signs in)');
export class SignInDto extends createZodDto(SignIn) {}

export const ConsoleSessionView = z
  .object({
    kind: z.enum(['tenant', 'operator']).describe("A tenant's session, or an operator's (who acts for the tenant each request names in X-Tenant-Id)"),
    tenantId: z.uuid().optional().describe("A tenant's session: its tenant"),
    csrfToken: z.string().describe('Send it as X-CSRF-Token with every POST, PUT, PATCH and DELETE made with the session cookie'),
    expiresAt: z.iso.datetime().describe('When the session ends at the latest; CONSOLE_SESSION_IDLE_MINUTES without a request end it sooner'),
  })
  .describe('Who is signed in to the console');
export type ConsoleSessionView = z.infer<typeof ConsoleSessionView>;
export class ConsoleSessionDto extends createZodDto(ConsoleSessionView) {}
