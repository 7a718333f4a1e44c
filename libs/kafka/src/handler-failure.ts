/**
 * The work cannot be done now for a reason that is not in the messages (a dependency is
 * unreachable, another consumer has not caught up): the consumer retries the fetch until it can,
 * and never dead-letters anything because of it. Handlers throw it for conditions of their own.
 */
export class Unavailable extends Error {
  override readonly name = 'Unavailable';
}

/** kafkajs errors that mean the broker is unreachable or busy, not that the message is wrong. */
const KAFKA_OUTAGE = /^KafkaJS(Connection|NumberOfRetriesExceeded|RequestTimeout|BrokerNotFound|LockTimeout|ConnectionClosed|Timeout)/;
/**
 * Postgres SQLSTATEs that say the database, its configuration or our own code is the problem,
 * never one message's data: connection exceptions (08), bad credentials (28), a missing database
 * or schema (3D, 3F), conflicts rolled back (40: retry), statements that reference what the
 * schema lacks or may not touch (42: a deploy ahead of its migration; our statements are
 * parameterized, so no message can cause one), out of resources (53), lock and statement time-outs
 * and shutdowns (55P03, 57), system and internal errors (58, XX), a read-only standby after a
 * failover (25006, 25P03).
 */
const PG_OUTAGE = /^(08|28|3D|3F|40|42|53|57|58|XX)|^(55P03|25006|25P03)$/;
/**
 * Node, driver and Prisma codes of a connection that failed, was cut or could not be had in time:
 * Prisma's P1xxx (cannot reach or authenticate), P2024 (pool time-out), P2028 (a transaction
 * could not start in time), P2034 (a conflict: retry), P2037 (too many connections).
 */
const NET_OUTAGE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|P1\d{3}|P2024|P2028|P2034|P2037)$/;
const MESSAGE_OUTAGE =
  /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|Can't reach database server|terminating connection|Client has encountered a connection error|Connection refused|Unable to start a transaction in the given time|Transaction API error/i;

/**
 * Whether a handler's error is an outage (retry the fetch, however long it takes) rather than
 * something about the messages (retry a few times, then find the message that fails alone and
 * dead-letter it). Looks through wrapped errors: Prisma's driver adapter and kafkajs' retrier
 * both carry the original as a cause.
 */
export function isOutage(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let e = error as Record<string, unknown> | undefined; e && typeof e === 'object' && !seen.has(e); ) {
    seen.add(e);
    if (e instanceof Unavailable) return true;
    const name = typeof e['name'] === 'string' ? e['name'] : '';
    if (KAFKA_OUTAGE.test(name)) return true;
    if (name === 'KafkaJSProtocolError' && e['retriable'] === true) return true;
    const code = typeof e['code'] === 'string' ? e['code'] : typeof e['originalCode'] === 'string' ? e['originalCode'] : '';
    if (PG_OUTAGE.test(code) || NET_OUTAGE.test(code)) return true;
    if (typeof e['message'] === 'string' && MESSAGE_OUTAGE.test(e['message'])) return true;
    e = (e['cause'] ?? e['originalError'] ?? (e['meta'] as Record<string, unknown> | undefined)?.['driverAdapterError']) as Record<string, unknown> | undefined;
  }
  return false;
}

/** The error's message, bounded: it goes into a dead letter and a log line. */
export function describeFailure(error: unknown, max = 1_000): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}
