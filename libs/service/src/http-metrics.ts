import { boundedLabel, MetricsRegistry } from '@tripline/metrics';
import type { NextFunction, Request, Response } from 'express';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** The route label of a request no route matched (a 404, or a request refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route a request matched, as its template (`/v1/subscriptions/:id`), never the path it
 * came with: paths carry tenant, subscription and delivery ids, and every distinct label value
 * is a time series Prometheus keeps forever. Express records the matched route on the request.
 */
export function routeTemplate(req: Pick<Request, 'baseUrl'> & { route?: { path?: unknown } }, res?: { locals?: Record<string, unknown> }): string {
  const named = res?.locals?.[ROUTE_NAME];
  if (typeof named === 'string') return named;
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}

const ROUTE_NAME = 'tripline.metricsRoute';

/**
 * Names the route of a request that a middleware answers (the console's pages and assets, which
 * no Nest route serves), so it is counted under that name rather than with the 404s.
 */
export function nameRoute(res: Pick<Response, 'locals'>, route: string): void {
  res.locals[ROUTE_NAME] = route;
}

/** Routes left out of the HTTP metrics: the scrape itself and the probes, which would drown the rest. */
export function measuredRoute(route: string): boolean {
  return route !== '/metrics' && !route.startsWith('/health/');
}

/**
 * Counts each HTTP request once it is answered (`finish`), whatever answered it: a handler, a
 * guard's 401 or 429, the error filter, body-parser's 413. Requests whose client went away
 * before the answer (`close` without `finish`) are counted with status 499, as nginx does.
 */
export function httpMetrics(metrics: MetricsRegistry) {
  const requests = metrics.counter('httpRequests');
  const duration = metrics.histogram('httpRequestDuration');
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      const route = routeTemplate(req, res);
      if (!measuredRoute(route)) return;
      const labels = { method: boundedLabel(req.method, METHODS), route, status: String(res.writableFinished ? res.statusCode : 499) };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    };
    res.once('finish', count);
    res.once('close', count);
    next();
  };
}
