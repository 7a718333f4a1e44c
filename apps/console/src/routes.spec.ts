import { pathOf, routeOf, type Route } from './routes';

describe("the console's routes", () => {
  it.each<[string, Route]>([
    ['/', { page: 'setup' }],
    ['/setup', { page: 'setup' }],
    ['/subscriptions/', { page: 'subscriptions' }],
    ['/tenant', { page: 'tenant' }],
    ['/operations', { page: 'operations' }],
    ['/platform', { page: 'platform' }],
    ['/subscriptions/6f1c0b1e-8a43-4b8e-9a51-3c2f3f0b9a10/deliveries', { page: 'deliveries', subscriptionId: '6f1c0b1e-8a43-4b8e-9a51-3c2f3f0b9a10' }],
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
    for (const path of ['/setup', '/subscriptions', '/tenant', '/operations', '/platform', '/subscriptions/a%2Fb/deliveries', '/events', '/events?entityId=crm+contacts&type=measure.refreshed', '/events/test-1']) {
      expect(pathOf(routeOf(path))).toBe(path);
    }
  });

  it('escapes the dots of an id, so the gateway serves the page for it (a dot in the last segment names a file)', () => {
    expect(pathOf({ page: 'event', eventId: 'evt.0001' })).toBe('/events/evt%2E0001');
    expect(pathOf({ page: 'deliveries', subscriptionId: 'a.b' })).toBe('/subscriptions/a%2Eb/deliveries');
  });
});
