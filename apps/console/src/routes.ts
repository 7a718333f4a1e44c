/** The console's pages, each at a path of its own, so a page can be bookmarked, reloaded and opened in a new tab. */
export type Route =
  | { page: 'setup' }
  | { page: 'subscriptions' }
  | { page: 'deliveries'; subscriptionId: string }
  | { page: 'tenant' }
  | { page: 'operations' }
  | { page: 'not-found'; path: string };

export function routeOf(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/setup') return { page: 'setup' };
  if (path === '/subscriptions') return { page: 'subscriptions' };
  if (path === '/tenant') return { page: 'tenant' };
  if (path === '/operations') return { page: 'operations' };
  const deliveries = /^\/subscriptions\/([^/]+)\/deliveries$/.exec(path);
  if (deliveries) return { page: 'deliveries', subscriptionId: decodeURIComponent(deliveries[1]) };
  return { page: 'not-found', path: pathname };
}

export function pathOf(route: Route): string {
  switch (route.page) {
    case 'setup':
      return '/setup';
    case 'subscriptions':
      return '/subscriptions';
    case 'tenant':
      return '/tenant';
    case 'operations':
      return '/operations';
    case 'deliveries':
      return `/subscriptions/${encodeURIComponent(route.subscriptionId)}/deliveries`;
    case 'not-found':
      return route.path;
  }
}
