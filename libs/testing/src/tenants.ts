import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { issueApiKey } from '@tripline/tenancy';
import { testInfra } from './test-infra';

export interface TestTenant {
  tenantId: string;
  apiKey: string;
}

/** A tenant with a working API key, written as the gateway writes it (for services tested alone). */
export async function createTenant(name = 'test tenant'): Promise<TestTenant> {
  const client = new Client({ connectionString: testInfra().databaseUrl });
  await client.connect();
  try {
    const tenantId = randomUUID();
    const key = issueApiKey();
    await client.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [tenantId, name]);
    await client.query('INSERT INTO api_keys (id, tenant_id, prefix, key_hash) VALUES ($1, $2, $3, $4)', [
      randomUUID(),
      tenantId,
      key.prefix,
      key.hash,
    ]);
    return { tenantId, apiKey: key.plain };
  } finally {
    await client.end();
  }
}

/** Runs one query against the run's database, for assertions on what a service recorded. */
export async function query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: testInfra().databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
