/** The console's pages, each at a path of its own, so a page can be bookmarked, reloaded and opened in a new tab. */
export type Route =
  | { page: 'setup' }
  | { page: 'subscriptions' }
  | { page: 'deliveries'; filter: DeliveryFilter }
  | { page: 'events'; search: EventSearch }
  | { page: 'event'; eventId: string }
  | { page: 'tenant' }
  | { page: 'operations' }
  | { page: 'platform' }
  | { page: 'not-found'; path: string };

/** The Events page's filters, kept in its query string: a search can be bookmarked, and Back from an event comes back to it. */
export interface EventSearch {
  entityId?: string;
  type?: string;
}

/** The Deliveries page's filters, in its query string like the Events page's; `since` and `until` are ISO 8601 instants. */
export interface DeliveryFilter {
  subscriptionId?: string;
  status?: string;
  trigger?: string;
  since?: string;
  until?: string;
}
const DELIVERY_FILTERS = ['subscriptionId', 'status', 'trigger', 'since', 'until'] as const;

/** A path as the address bar has it, with its query string (`/events?entityId=crm`). */
export function routeOf(location: string): Route {
  const mark = location.indexOf('?');
  const [pathname, query] = mark < 0 ? [location, ''] : [location.slice(0, mark), location.slice(mark + 1)];
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/setup') return { page: 'setup' };
  if (path === '/subscriptions') return { page: 'subscriptions' };
  if (path === '/tenant') return { page: 'tenant' };
  if (path === '/operations') return { page: 'operations' };
  if (path === '/events') return { page: 'events', search: searchOf(new URLSearchParams(query)) };
  if (path === '/platform') return { page: 'platform' };
  if (path === '/deliveries') return { page: 'deliveries', filter: filterOf(new URLSearchParams(query)) };
  // Where one subscription's log was before the whole log could be searched: its bookmarks still open it.
  const deliveries = /^\/subscriptions\/([^/]+)\/deliveries$/.exec(path);
  if (deliveries) return { page: 'deliveries', filter: { subscriptionId: decodeURIComponent(deliveries[1]) } };
  const event = /^\/events\/([^/]+)$/.exec(path);
  if (event) return { page: 'event', eventId: decodeURIComponent(event[1]) };
  return { page: 'not-found', path: location };
}

function filterOf(query: URLSearchParams): DeliveryFilter {
  const filter: DeliveryFilter = {};
  for (const name of DELIVERY_FILTERS) {
    const value = query.get(name)?.trim();
    if (value) filter[name] = value;
  }
  return filter;
}

function searchOf(query: URLSearchParams): EventSearch {
  const search: EventSearch = {};
  const entityId = query.get('entityId')?.trim();
  const type = query.get('type');
  if (entityId) search.entityId = entityId;
  if (type) search.type = type;
  return search;
}

/**
 * An id as one path segment. Dots too are escaped: the gateway serves the console's page only
 * for a path whose last segment has no dot (anything else is a file), so /events/evt.1 would not
 * reload, while /events/evt%2E1 does.
 */
const segment = (id: string) => encodeURIComponent(id).replace(/\./g, '%2E');

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
    case 'platform':
      return '/platform';
    case 'deliveries': {
      const query = new URLSearchParams();
      for (const name of DELIVERY_FILTERS) if (route.filter[name]) query.set(name, route.filter[name]);
      const text = query.toString();
      return text ? `/deliveries?${text}` : '/deliveries';
    }
    case 'events': {
      const query = new URLSearchParams();
      if (route.search.entityId) query.set('entityId', route.search.entityId);
      if (route.search.type) query.set('type', route.search.type);
      const text = query.toString();
      return text ? `/events?${text}` : '/events';
    }
    case 'event':
      return `/events/${segment(route.eventId)}`;
    case 'not-found':
      return route.path;
  }
}
