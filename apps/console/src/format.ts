// How the pages show what the API answers. Pure, so its rules (never a callback URL whole, the
// API's instants as the browser's local time) have tests of their own.

/** The fields every subscription has; any other field is one of its trigger's parameters. */
const SUBSCRIPTION_FIELDS = new Set(['id', 'trigger', 'callbackUrl', 'status', 'disabledReason', 'createdAt', 'updatedAt']);

/**
 * Only the host of a callback URL. The API already redacts its query values, but the path can
 * carry a flow's id and the query its signature (`sig=`, which starts the flow): the console
 * never shows, copies or links more than where the callbacks go.
 */
export function callbackHost(callbackUrl: string): string {
  try {
    return new URL(callbackUrl).host || 'unknown host';
  } catch {
    return 'unknown host';
  }
}

/** A subscription's trigger parameters, in the order the API gave them. */
export function subscriptionParameters(subscription: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(subscription)
    .filter(([name, value]) => !SUBSCRIPTION_FIELDS.has(name) && value !== null && value !== undefined)
    .map(([name, value]) => [name, String(value)]);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A time in the browser's time zone, to the second, in one unambiguous shape: 2026-11-26 10:00:00. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

/** A size in bytes as people read it: 512 bytes, 1.5 KiB, 64 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes === 1) return '1 byte';
  if (bytes < 1024) return `${bytes} bytes`;
  const kib = bytes / 1024;
  return kib < 1024 ? `${kib < 10 ? kib.toFixed(1) : Math.round(kib)} KiB` : `${(kib / 1024).toFixed(1)} MiB`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** An `<input type="datetime-local">` value (the browser's local time) as the ISO 8601 instant the API takes; null when empty or not a time. */
export function instantFromLocalInput(value: string): string | null {
  if (!value) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

/** `<input type="datetime-local">`'s value for an instant some hours before `now`, in local time. */
export function localInputHoursBefore(hours: number, now = new Date()): string {
  return localInputOf(new Date(now.getTime() - hours * 3_600_000).toISOString());
}

/** An ISO 8601 instant as an `<input type="datetime-local">` value, in the browser's local time; empty when absent or not a time. */
export function localInputOf(iso: string | undefined): string {
  if (!iso) return '';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}
