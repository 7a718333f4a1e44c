import { z } from 'zod';

/** The services whose readiness the gateway reports, in the pipeline's order. */
export const SERVICE_NAMES = ['gateway', 'ingestion', 'registry', 'evaluator', 'dispatcher'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The local stack's (npm start): each service on its port of 127.0.0.1. */
export const DEFAULT_SERVICE_URLS: Record<ServiceName, string> = {
  gateway: 'http://127.0.0.1:3000',
  ingestion: 'http://127.0.0.1:3001',
  registry: 'http://127.0.0.1:3002',
  evaluator: 'http://127.0.0.1:3003',
  dispatcher: 'http://127.0.0.1:3004',
};

/**
 * TRIPLINE_SERVICE_URLS: `name=url,...`, where each service's `/health/ready` answers (the
 * gateway's own is read in-process, whatever its entry says). A service left out keeps its
 * local default; a name that is no service, an entry twice or a URL that is not http(s) fails
 * the boot, naming the entry.
 */
export const serviceUrls = z
  .string()
  .optional()
  .transform((raw, ctx): Record<ServiceName, string> => {
    const urls = { ...DEFAULT_SERVICE_URLS };
    const seen = new Set<string>();
    for (const entry of (raw ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
      const at = entry.indexOf('=');
      const name = at > 0 ? entry.slice(0, at).trim() : '';
      const url = at > 0 ? entry.slice(at + 1).trim() : '';
      const problem = !(SERVICE_NAMES as readonly string[]).includes(name)
        ? `"${entry}": not name=url with a name of ${SERVICE_NAMES.join(', ')}`
        : seen.has(name)
          ? `${name} is given twice`
          : !/^https?:\/\/[^/?#]+\/?$/.test(url) || !URL.canParse(url)
            ? `${name}: "${url}" is not an http(s) URL of a host (and port), with no path`
            : null;
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
      seen.add(name);
      urls[name as ServiceName] = url.replace(/\/$/, '');
    }
    return urls;
  });
