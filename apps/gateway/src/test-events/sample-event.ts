import { EventInput, type EventType, type RefreshStatus, type RunStatus, type StepStatus } from '@tripline/contracts';
import type { TestEventRequest } from './test-event.dtos';

/**
 * The event contract has no field saying "this is a test" (its objects drop unknown keys), so a
 * sample is told apart by what a producer chooses freely: its id (test-…), its run ids
 * (test-run-…) and its names ("… (test event)"). A flow can branch on the eventId it receives.
 */
export const TEST_ID_PREFIX = 'test-';

const DEFAULT_ENTITY = {
  'datasource.refresh.completed': 'test-data-source',
  'segment.refreshed': 'test-segment',
  'measure.refreshed': 'test-measure',
} as const;

/** What a sample needs besides the request: its id and its instant, so that the same inputs make the same event. */
export interface SampleContext {
  /** Unique per sample (a UUID). */
  nonce: string;
  now: Date;
}

/** A run's status as its last step's: map and match succeeded, merge ended as the run did. */
const lastStepOf = (status: RunStatus): StepStatus =>
  status === 'succeeded' ? 'succeeded' : status === 'timed_out' ? 'timed_out' : status === 'cancelled' ? 'skipped' : 'failed';

/**
 * A valid event of the requested type, with the request's entity, value and status, and
 * plausible defaults for the rest: what the data platform would send. Parsed by the contract
 * before it is returned, so a sample that would not pass ingestion is a bug found here.
 */
export function sampleEvent(request: TestEventRequest, { nonce, now }: SampleContext): EventInput {
  const id = `${TEST_ID_PREFIX}${nonce}`;
  const occurredAt = now.toISOString();
  const startedAt = new Date(now.getTime() - 60_000).toISOString();
  const runId = `${TEST_ID_PREFIX}run-${nonce}`;
  const named = (entityId: string) => `${entityId} (test event)`;
  const type: EventType = request.type;
  switch (type) {
    case 'datasource.refresh.completed': {
      const dataSourceId = request.entityId ?? DEFAULT_ENTITY[type];
      const status = (request.status ?? 'failed') as RefreshStatus;
      const failed = status !== 'succeeded' && status !== 'retrying';
      return EventInput.parse({
        id,
        type,
        occurredAt,
        data: {
          dataSourceId,
          dataSourceName: named(dataSourceId),
          runId,
          status,
          startedAt,
          completedAt: occurredAt,
          ...(failed ? { error: { code: 'TEST_EVENT', message: 'A test event sent from the Tripline console: nothing failed.' } } : {}),
        },
      });
    }
    case 'segment.refreshed': {
      const segmentId = request.entityId ?? DEFAULT_ENTITY[type];
      return EventInput.parse({ id, type, occurredAt, data: { segmentId, segmentName: named(segmentId), memberCount: request.value ?? 100 } });
    }
    case 'measure.refreshed': {
      const measureId = request.entityId ?? DEFAULT_ENTITY[type];
      return EventInput.parse({ id, type, occurredAt, data: { measureId, measureName: named(measureId), value: request.value ?? 1 } });
    }
    case 'refresh.completed': {
      const status = (request.status ?? 'succeeded') as RunStatus;
      // Full and scheduled: the run every full-refresh-completed subscription fires on.
      return EventInput.parse({
        id,
        type,
        occurredAt,
        data: { runId: request.entityId ?? runId, scope: 'full', trigger: 'scheduled', status, startedAt, completedAt: occurredAt, components: [] },
      });
    }
    case 'unification.completed': {
      const status = (request.status ?? 'succeeded') as RunStatus;
      const stage = (s: StepStatus) => ({ status: s });
      return EventInput.parse({
        id,
        type,
        occurredAt,
        data: {
          runId: request.entityId ?? runId,
          status,
          startedAt,
          completedAt: occurredAt,
          stages: { map: stage('succeeded'), match: stage('succeeded'), merge: stage(lastStepOf(status)) },
        },
      });
    }
  }
}
