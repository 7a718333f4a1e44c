import { z } from 'zod';

/** How a whole run (a full/partial refresh, a unification) ended. */
export const RunStatus = z.enum(['succeeded', 'partially_succeeded', 'failed', 'timed_out', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

/** How one part of a run (a component, a unification stage) ended. */
export const StepStatus = z.enum(['succeeded', 'failed', 'timed_out', 'skipped']);
export type StepStatus = z.infer<typeof StepStatus>;
