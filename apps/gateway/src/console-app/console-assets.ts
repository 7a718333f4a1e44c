import { type INestApplication, Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { nameRoute } from '@tripline/service';
import type { NextFunction, Request, Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The console's pages run only the scripts and styles the gateway serves, never inline ones: an
 * injected `<script>` or `style=` does nothing, and no other site may frame the console (it
 * holds a signed-in session) or receive its forms. `data:` images are the one exception.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_CSP,
  'X-Content-Type-Options': 'nosniff',
  // The console's URLs name subscriptions and deliveries; no other site needs to see them.
  'Referrer-Policy': 'no-referrer',
};

/** Hashed file names (Vite's `assets/<name>-<hash>.js`) change with their content, so they never need revalidating. */
const ASSETS_PREFIX = '/assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Paths the API and the probes own: never answered with the console's page, whatever follows. */
const SERVER_PATHS = ['/v1', '/health', '/metrics'];

/**
 * Whether a request is for one of the console's pages (its client-side routes: /, /setup,
 * /subscriptions/…), answered with index.html. Never an API path (Express matches routes
 * without regard to case, so neither is this), an asset, or a file name such as /favicon.ico:
 * those get their own answer or the API's 404.
 */
export function isConsolePage(method: string, urlPath: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  const lower = urlPath.toLowerCase();
  if ([...SERVER_PATHS, ASSETS_PREFIX.slice(0, -1)].some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`))) return false;
  return !lower.slice(lower.lastIndexOf('/') + 1).includes('.');
}

/**
 * Where `npm run build` puts the console: dist/console at the root of the checkout or the image
 * (the first folder above this file with a package.json, whether this runs from source or dist/).
 */
export function builtConsoleDir(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'console');
  }
  throw new Error(`no package.json above ${from}`);
}

/** Their `route` label in the HTTP metrics: every page path is the same index.html, every asset a file. */
export const CONSOLE_PAGE_ROUTE = 'console page';
export const CONSOLE_ASSET_ROUTE = `${ASSETS_PREFIX}*`;

function secure(res: Response): void {
  for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS)) res.setHeader(name, value);
}

/**
 * Serves the built console from the gateway, so it shares the API's origin (the session cookie
 * is SameSite=Strict, and no CORS is needed): its hashed assets under /assets/, cached for
 * good, and index.html for every page path, revalidated each time so a new build is picked up
 * at once. Registered before the API's routes, but it passes every other request on untouched.
 * Without a build (tests of the API alone), the gateway runs without the console and says so.
 */
export function serveConsole(app: INestApplication, dir: string, logger = new Logger('console')): boolean {
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    logger.warn(`the console is not built (no ${indexFile}; \`npm run build\` builds it): serving the API only`);
    return false;
  }
  const index = readFileSync(indexFile);
  const express = app as NestExpressApplication; // the gateway runs on Express (libs/service createService)
  express.useStaticAssets(path.join(dir, 'assets'), {
    prefix: ASSETS_PREFIX,
    index: false,
    redirect: false,
    setHeaders: (res: Response) => {
      nameRoute(res, CONSOLE_ASSET_ROUTE);
      secure(res);
      res.setHeader('Cache-Control', IMMUTABLE);
    },
  });
  express.use((req: Request, res: Response, next: NextFunction) => {
    if (!isConsolePage(req.method, req.path)) return next();
    nameRoute(res, CONSOLE_PAGE_ROUTE);
    secure(res);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(index);
  });
  return true;
}
