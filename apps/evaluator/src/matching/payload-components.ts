import type { RefreshComponent } from '@tripline/contracts';

/**
 * The components a full refresh's callback lists, within a byte budget. Every delivery carries
 * its own copy of the payload (on the deliveries topic and in the dispatcher's table), so an
 * event with thousands of components would be copied once per subscription: the payload keeps
 * the totals and as many components as fit, those that did not succeed first (what a flow acts
 * on), each group in the run's order. The whole list stays in the refresh runs action.
 */
export function componentsWithin(components: readonly RefreshComponent[], budgetBytes: number): { components: RefreshComponent[]; truncated: boolean } {
  if (Buffer.byteLength(JSON.stringify(components)) <= budgetBytes) return { components: [...components], truncated: false };
  const ordered = [...components.filter((c) => c.status !== 'succeeded'), ...components.filter((c) => c.status === 'succeeded')];
  const kept: RefreshComponent[] = [];
  let bytes = 2; // the brackets
  for (const component of ordered) {
    const size = Buffer.byteLength(JSON.stringify(component)) + 1;
    if (bytes + size > budgetBytes) break;
    kept.push(component);
    bytes += size;
  }
  return { components: kept, truncated: true };
}
