import { MetricsRegistry } from '@tripline/metrics';
import type { NextFunction, Request, Response } from 'express';
import { EventEmitter } from 'node:events';
import { httpMetrics, measuredRoute, nameRoute, routeTemplate, UNMATCHED_ROUTE } from './http-metrics';

describe('routeTemplate', () => {
  it('names a request by the route it matched, never by its path (which carries ids)', () => {
    expect(routeTemplate({ baseUrl: '', route: { path: '/v1/subscriptions/:id' } })).toBe('/v1/subscriptions/:id');
    expect(routeTemplate({ baseUrl: '/v1', route: { path: '/deliveries/:deliveryId' } })).toBe('/v1/deliveries/:deliveryId');
  });

  it('gives every request no route matched one label, whatever its path', () => {
    expect(routeTemplate({ baseUrl: '' })).toBe(UNMATCHED_ROUTE);
    expect(routeTemplate({ baseUrl: '', route: { path: /regex/ } })).toBe(UNMATCHED_ROUTE);
  });

  it('counts a request a middleware answers (a console page) under the name it gave, not with the 404s', () => {
    const res = { locals: {} };
    nameRoute(res, 'console page');
    expect(routeTemplate({ baseUrl: '' }, res)).toBe('console page');
    expect(routeTemplate({ baseUrl: '' }, { locals: {} })).toBe(UNMATCHED_ROUTE);
  });

  it('leaves the scrape and the probes out', () => {
    expect(measuredRoute('/metrics')).toBe(false);
    expect(measuredRoute('/health/ready')).toBe(false);
    expect(measuredRoute('/v1/events')).toBe(true);
    expect(measuredRoute(UNMATCHED_ROUTE)).toBe(true);
  });
});

describe('httpMetrics', () => {
  function request(method: string, path: string | undefined, status: number, finished = true) {
    const metrics = new MetricsRegistry({ defaultMetrics: false });
    const middleware = httpMetrics(metrics);
    const res = Object.assign(new EventEmitter(), { statusCode: status, writableFinished: finished, locals: {} }) as unknown as Response;
    const req = { method, baseUrl: '' } as Request & { route?: { path: string } };
    const next = jest.fn() as NextFunction;
    middleware(req, res, next);
    expect(next).toHaveBeenCalled();
    // Routing happens after the middleware: the route is known by the time the answer is sent.
    if (path) req.route = { path };
    if (finished) res.emit('finish');
    res.emit('close');
    return metrics.exposition();
  }

  it('counts each answered request once, by method, route template and status, with its latency', async () => {
    const text = await request('POST', '/v1/subscriptions/:id', 201);
    expect(text).toContain('http_requests_total{method="POST",route="/v1/subscriptions/:id",status="201"} 1');
    expect(text).toContain('http_request_duration_seconds_count{method="POST",route="/v1/subscriptions/:id",status="201"} 1');
  });

  it('bounds what comes from the client: an unknown method is "other", an unmatched path "unmatched"', async () => {
    expect(await request('BREW', undefined, 404)).toContain('http_requests_total{method="other",route="unmatched",status="404"} 1');
  });

  it('counts a request whose client left before the answer as 499', async () => {
    expect(await request('GET', '/v1/events', 200, false)).toContain('status="499"');
  });

  it('does not count scrapes and probes', async () => {
    expect(await request('GET', '/metrics', 200)).not.toContain('http_requests_total{');
    expect(await request('GET', '/health/live', 200)).not.toContain('http_requests_total{');
  });
});
