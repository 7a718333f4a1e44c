import { CallbackReceiver } from './callback-receiver';
import { json } from './http-json';
import { ServiceProcesses } from './service-processes';
import { isolatedNamespace } from './test-infra';
import { TestKafka } from './test-kafka';

export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

/** The five built services as processes, a callback receiver, the test's Kafka client, and a tenant. */
export interface TestStack {
  services: ServiceProcesses;
  receiver: CallbackReceiver;
  kafka: TestKafka;
  tenantId: string;
  apiKey: string;
  /** Another tenant of the same stack, created on demand. */
  createTenant(name: string): Promise<{ tenantId: string; apiKey: string }>;
  stop(): Promise<void>;
}

/** Starts a whole Tripline in a namespace of its own, as a user would run it. */
export async function startStack(tag: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<TestStack> {
  const namespace = isolatedNamespace(tag);
  const receiver = await new CallbackReceiver().start();
  const services = new ServiceProcesses(namespace, await ServiceProcesses.freePorts(), { TRIPLINE_ADMIN_TOKEN: E2E_ADMIN_TOKEN, ...env }, nodeArgs);
  await services.startAll();
  const kafka = new TestKafka(namespace);
  const createTenant = async (name: string) => {
    const res = await fetch(`${services.url('gateway')}/v1/admin/tenants`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
      body: JSON.stringify({ name }),
    });
    if (res.status !== 201) throw new Error(`creating tenant ${name}: HTTP ${res.status}`);
    return json(res);
  };
  const { tenantId, apiKey } = await createTenant(`${tag} tenant`);
  return {
    services,
    receiver,
    kafka,
    tenantId,
    apiKey,
    createTenant,
    stop: async () => {
      await kafka.close();
      await services.stopAll();
      await receiver.stop();
    },
  };
}
