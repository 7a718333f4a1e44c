import { pathOf, routeOf, type Route } from './routes';

describe("the console's routes", () => {
  it.each<[string, Route]>([
    ['/', { page: 'setup' }],
    ['/setup', { page: 'setup' }],
    ['/subscriptions/', { page: 'subscriptions' }],
    ['/tenant', { page: 'tenant' }],
    ['/operations', { page: 'operations' }],
    ['/platform', { page: 'platform' }],
    ['/subscriptions/6f1c0b1e-8a43-4b8e-9a51-3c2f3f0b9a10/deliveries', { page: 'deliveries', filter: { subscriptionId: '6f1c0b1e-8a43-4b8e-9a51-3c2f3f0b9a10' } }],
    ['/deliveries', { page: 'deliveries', filter: {} }],
    [
      '/deliveries?status=failed&trigger=segment-threshold-crossed&since=2026-11-30T10%3A00%3A00.000Z&until=&other=1',
      { page: 'deliveries', filter: { status: 'failed', trigger: 'segment-threshold-crossed', since: '2026-11-30T10:00:00.000Z' } },
    ],
    ['/events', { page: 'events', search: {} }],
    ['/events?entityId=crm-contacts&type=segment.refreshed', { page: 'events', search: { entityId: 'crm-contacts', type: 'segment.refreshed' } }],
    ['/events?entityId=%20&type=', { page: 'events', search: {} }],
    ['/events/evt%2E0001', { page: 'event', eventId: 'evt.0001' }],
    ['/events/a%2Fb', { page: 'event', eventId: 'a/b' }],
    ['/nowhere', { page: 'not-found', path: '/nowhere' }],
  ])('%s is %j', (path, route) => {
    expect(routeOf(path)).toEqual(route);
  });

  it('gives each page back its path', () => {
    for (const path of ['/setup', '/subscriptions', '/tenant', '/operations', '/platform', '/deliveries', '/deliveries?subscriptionId=a%2Fb&status=failed', '/events', '/events?entityId=crm+contacts&type=measure.refreshed', '/events/test-1']) {
      expect(pathOf(routeOf(path))).toBe(path);
    }
  });

  it("opens one subscription's deliveries at the path they had before the whole log could be searched", () => {
    expect(pathOf(routeOf('/subscriptions/a.b/deliveries'))).toBe('/deliveries?subscriptionId=a.b');
  });

  it('escapes the dots of an id, so the gateway serves the page for it (a dot in the last segment names a file)', () => {
    expect(pathOf({ page: 'event', eventId: 'evt.0001' })).toBe('/events/evt%2E0001');
  });
});
