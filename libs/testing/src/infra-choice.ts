/**
 * Which real infrastructure a test run uses. `TRIPLINE_TEST_INFRA` says it outright; without
 * it: what KAFKA_BROKERS and DATABASE_URL name, else containers where a container runtime answers
 * and has (or can pull) the images, else the repo's local broker and the local Postgres. A
 * runtime that answers but cannot get its images (an offline laptop, a locked-down CI runner) is
 * not a reason to fail the run: the local parts serve, and the run says why.
 */
export type InfraChoice = 'given' | 'containers' | 'local';

export const INFRA_CHOICES: readonly InfraChoice[] = ['given', 'containers', 'local'];

/** What the choice asks of a container runtime; testcontainers' client in the suite, a fake in the unit test. */
export interface ContainerRuntime {
  /** Whether a runtime answers at all. */
  answers(): Promise<boolean>;
  /** Whether the image is present, or could be pulled now. */
  canGet(image: string): Promise<boolean>;
}

export interface Chosen {
  choice: InfraChoice;
  /** Why, in one line, for the run's log. */
  reason: string;
}

export async function chooseInfra(env: NodeJS.ProcessEnv, runtime: ContainerRuntime, images: readonly string[]): Promise<Chosen> {
  const asked = env.TRIPLINE_TEST_INFRA?.trim();
  const given = Boolean(env.KAFKA_BROKERS?.trim() && env.DATABASE_URL?.trim());
  if (asked) {
    if (!INFRA_CHOICES.includes(asked as InfraChoice)) throw new Error(`TRIPLINE_TEST_INFRA must be one of ${INFRA_CHOICES.join(', ')}, not '${asked}'`);
    if (asked === 'given' && !given) throw new Error('TRIPLINE_TEST_INFRA=given needs KAFKA_BROKERS and DATABASE_URL');
    if (asked === 'containers' && !(await runtime.answers())) throw new Error('TRIPLINE_TEST_INFRA=containers, but no container runtime answers');
    return { choice: asked as InfraChoice, reason: `TRIPLINE_TEST_INFRA=${asked}` };
  }
  if (given) return { choice: 'given', reason: 'KAFKA_BROKERS and DATABASE_URL are set' };
  if (!(await runtime.answers())) return { choice: 'local', reason: 'no working container runtime answers' };
  for (const image of images) {
    if (!(await runtime.canGet(image))) {
      return { choice: 'local', reason: `a container runtime answers, but ${image} is neither present nor pullable (no registry reachable?)` };
    }
  }
  return { choice: 'containers', reason: `a container runtime answers and has ${images.join(', ')}` };
}
