import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';

export const ConsoleInstance = z
  .object({
    publicUrl: z
      .string()
      .describe('The address flow makers give a Power Automate connection as its Instance URL: TRIPLINE_PUBLIC_URL, else the address the console was opened at; no trailing slash'),
    publicUrlSource: z
      .enum(['configured', 'request'])
      .describe('configured: TRIPLINE_PUBLIC_URL; request: it is unset, so the address this request came to (set it when Power Automate reaches the gateway at another)'),
  })
  .describe('This gateway as the console sets up a connector for it');
export type ConsoleInstanceView = z.infer<typeof ConsoleInstance>;
export class ConsoleInstanceDto extends createZodDto(ConsoleInstance) {}
