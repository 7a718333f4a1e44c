import { type MouseEvent, type ReactNode, useSyncExternalStore } from 'react';
import { pathOf, routeOf, type Route } from './routes';

// Client-side navigation over the History API: a link is a real <a href> (it opens in a new tab,
// and is read as a link), followed without reloading the page when plainly clicked.
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** Where the address bar is: the path and its query string (the Events page's search lives there). */
const here = () => window.location.pathname + window.location.search;

export function navigate(route: Route, { replace = false } = {}): void {
  const path = pathOf(route);
  if (path !== here()) window.history[replace ? 'replaceState' : 'pushState'](null, '', path);
  for (const listener of listeners) listener();
}

export function useRoute(): Route {
  return routeOf(useSyncExternalStore(subscribe, here));
}

export function Link({ to, children, current, className }: { to: Route; children: ReactNode; current?: boolean; className?: string }) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={pathOf(to)} onClick={follow} aria-current={current ? 'page' : undefined} className={className}>
      {children}
    </a>
  );
}
