import { chooseInfra, type ContainerRuntime } from './infra-choice';

const images = ['confluentinc/cp-kafka:7.9.0', 'postgres:15'];
const runtime = (answers: boolean, gettable: string[] = []): ContainerRuntime => ({
  answers: async () => answers,
  canGet: async (image) => gettable.includes(image),
});

describe('the test run picks infrastructure that works', () => {
  it('uses the local broker and Postgres when no container runtime answers', async () => {
    expect(await chooseInfra({}, runtime(false), images)).toMatchObject({ choice: 'local', reason: 'no working container runtime answers' });
  });

  it('uses the local parts, saying why, when a runtime answers but cannot get its images', async () => {
    const chosen = await chooseInfra({}, runtime(true, ['postgres:15']), images);
    expect(chosen).toEqual({ choice: 'local', reason: expect.stringContaining('confluentinc/cp-kafka:7.9.0 is neither present nor pullable') });
  });

  it('uses containers when a runtime answers with every image', async () => {
    expect((await chooseInfra({}, runtime(true, images), images)).choice).toBe('containers');
  });

  it('uses what KAFKA_BROKERS and DATABASE_URL name, before any runtime', async () => {
    const env = { KAFKA_BROKERS: 'kafka:9092', DATABASE_URL: 'postgresql://db/x' };
    expect((await chooseInfra(env, runtime(true, images), images)).choice).toBe('given');
  });

  it('does what TRIPLINE_TEST_INFRA says, and refuses what cannot be done, naming why', async () => {
    expect((await chooseInfra({ TRIPLINE_TEST_INFRA: 'local' }, runtime(true, images), images)).choice).toBe('local');
    await expect(chooseInfra({ TRIPLINE_TEST_INFRA: 'given' }, runtime(false), images)).rejects.toThrow(/needs KAFKA_BROKERS and DATABASE_URL/);
    await expect(chooseInfra({ TRIPLINE_TEST_INFRA: 'containers' }, runtime(false), images)).rejects.toThrow(/no container runtime answers/);
    await expect(chooseInfra({ TRIPLINE_TEST_INFRA: 'docker' }, runtime(false), images)).rejects.toThrow(/must be one of given, containers, local/);
  });
});
