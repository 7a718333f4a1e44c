// Routes the console uses that the gateway's OpenAPI document does not describe yet: they are
// being built alongside the console (issue 16, branch api-keys), in their shapes there. Hand-written, so
// they are kept to the least the pages need, and each has a switch that stops compiling once the
// generated schema has the route: then set the switch to `true`, delete the route's entry below,
// and the page uses the generated types alone.
import type { components, paths } from './schema';

type Method = 'get' | 'post' | 'patch' | 'delete';

/** `true` once the generated schema documents `method` on `path`. */
export type Documented<P extends string, M extends Method> = P extends keyof paths
  ? NonNullable<paths[P][M & keyof paths[P]]> extends never
    ? false
    : true
  : false;

/** GET /v1/admin/tenants: the operator's tenant list. Until then the operator types a tenant's id. */
export const TENANT_LIST_DOCUMENTED: Documented<'/v1/admin/tenants', 'get'> = false;
/** GET, POST /v1/api-keys, PATCH, DELETE /v1/api-keys/{id}, POST /v1/api-keys/{id}/rotate: a tenant's keys. */
export const API_KEYS_DOCUMENTED: Documented<'/v1/api-keys', 'get'> = false;

interface TenantSummary {
  id: string;
  name: string;
  createdAt: string;
  apiKeys: number;
  subscriptions: number;
}
export interface ApiKey {
  id: string;
  name: string;
  /** What follows tl_ in the key: enough to tell it from the others; never the key. */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}
/** A key as made or rotated: the only answer that holds the key itself. */
export interface IssuedApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  apiKey: string;
}

type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type NoContent = { headers: { [name: string]: unknown }; content?: never };
type Failed = { default: Json<components['schemas']['Error']> };
type Params<Path = never, Query = never> = { query?: Query; header?: never; path: Path; cookie?: never };
type Operation<P, Answers, Body = never> = { parameters: P; responses: Answers & Failed } & ([Body] extends [never]
  ? { requestBody?: never }
  : { requestBody: { content: { 'application/json': Body } } });
type NoPath = { query?: never; header?: never; path?: never; cookie?: never };
type Page = { limit?: number; cursor?: string };

export interface PendingPaths {
  '/v1/admin/tenants': {
    get: Operation<{ query?: Page; header?: never; path?: never; cookie?: never }, { 200: Json<{ tenants: TenantSummary[]; nextCursor: string | null }> }>;
  };
  '/v1/api-keys': {
    get: Operation<{ query?: Page; header?: never; path?: never; cookie?: never }, { 200: Json<{ apiKeys: ApiKey[]; nextCursor: string | null }> }>;
    post: Operation<NoPath, { 201: Json<IssuedApiKey> }, { name: string }>;
  };
  '/v1/api-keys/{id}': {
    patch: Operation<Params<{ id: string }>, { 200: Json<ApiKey> }, { name: string }>;
    delete: Operation<Params<{ id: string }>, { 204: NoContent }>;
  };
  '/v1/api-keys/{id}/rotate': {
    post: Operation<Params<{ id: string }>, { 201: Json<IssuedApiKey> }>;
  };
}

/** The generated paths, with each pending operation added (or put in place of an undocumented method). */
export type ConsolePaths = Omit<paths, keyof PendingPaths> & {
  [P in keyof PendingPaths]: P extends keyof paths ? Omit<paths[P], keyof PendingPaths[P]> & PendingPaths[P] : PendingPaths[P];
};
