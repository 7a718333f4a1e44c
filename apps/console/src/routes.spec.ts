import { pathOf, routeOf, type Route } from './routes';

describe("the console's routes", () => {
  it.each<[string, Route]>([
    ['/', { page: 'setup' }],
    ['/setup', { page: 'setup' }],
    ['/subscriptions/', { page: 'subscriptions' }],
    ['/tenant', { page: 'tenant' }],
    ['/operations', { page: 'operations' }],
    ['/subscriptions/6f1c0b1e-8a43-4b8e-9a51-3c2f3f0b9a10/deliveries', { page: 'deliveries', subscriptionId: '6f1c0b1e-8a43-4b8e-9a51-3c2f3f0b9a10' }],
    ['/nowhere', { page: 'not-found', path: '/nowhere' }],
  ])('%s is %j', (path, route) => {
    expect(routeOf(path)).toEqual(route);
  });

  it('gives each page back its path', () => {
    for (const path of ['/setup', '/subscriptions', '/tenant', '/operations', '/subscriptions/a%2Fb/deliveries']) expect(pathOf(routeOf(path))).toBe(path);
  });
});
