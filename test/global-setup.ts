import { provisionInfra } from '@tripline/testing';

const state = globalThis as { __tripInfra?: { stop(): Promise<void> } };

/**
 * Provisions real Kafka and Postgres for the integration and end-to-end tiers. Both tiers name
 * this setup, and Jest runs each project's; the infrastructure is provisioned once per run.
 */
export default async function globalSetup(): Promise<void> {
  if (state.__tripInfra) return;
  state.__tripInfra = await provisionInfra((msg) => process.stderr.write(`\n[infra] ${msg}\n`));
}
