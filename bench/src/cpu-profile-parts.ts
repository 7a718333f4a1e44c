/**
 * What a sample of a V8 CPU profile was doing, in the terms `docs/benchmarks.md` accounts a
 * delivery's CPU in: a client library's work (its socket writes included: on loopback the
 * sender's system call also runs the receiver's side of TCP), the contract checks, JSON,
 * crypto, the HTTP server, garbage collection, our own code. A sample belongs to the first
 * place on its stack, from the leaf up, that names a part; a socket write is its caller's.
 */
export type Part =
  | 'Kafka client (kafkajs)'
  | 'Postgres client (pg, Prisma)'
  | 'HTTP client (undici)'
  | 'HTTP server (Nest, express)'
  | 'contract checks (zod)'
  | 'JSON'
  | 'crypto (HMAC, AES, hashes)'
  | 'metrics and tracing'
  | 'other libraries'
  | 'garbage collection'
  | 'our code'
  | 'Node.js and V8 (timers, streams, promises)';

const PACKAGES: Array<[RegExp, Part]> = [
  [/^kafkajs$/, 'Kafka client (kafkajs)'],
  [/^(pg|pg-protocol|pg-pool|pg-types|postgres-array|@prisma\/.*)$/, 'Postgres client (pg, Prisma)'],
  [/^undici$/, 'HTTP client (undici)'],
  [/^(express|router|body-parser|raw-body|@nestjs\/.*|finalhandler|on-finished|send|type-is|content-type|iconv-lite|path-to-regexp)$/, 'HTTP server (Nest, express)'],
  [/^zod$/, 'contract checks (zod)'],
  [/^(prom-client|@opentelemetry\/.*)$/, 'metrics and tracing'],
];

export interface Frame {
  functionName: string;
  url: string;
}

/** The part of a sample, given its stack from the leaf up. */
export function partOf(stack: readonly Frame[]): Part {
  const [leaf] = stack;
  if (leaf?.functionName === '(garbage collector)') return 'garbage collection';
  if (leaf && !leaf.url && (leaf.functionName === 'parse' || leaf.functionName === 'stringify')) return 'JSON';
  for (const { url } of stack) {
    if (!url) continue;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    if (pkg) return PACKAGES.find(([pattern]) => pattern.test(pkg))?.[1] ?? 'other libraries';
    if (url.startsWith('node:internal/crypto')) return 'crypto (HMAC, AES, hashes)';
    if (/\/dist\/(apps|libs)\//.test(url)) return 'our code';
  }
  return 'Node.js and V8 (timers, streams, promises)';
}
