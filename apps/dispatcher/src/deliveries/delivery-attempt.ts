import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Span } from '@opentelemetry/api';
import { CallbackSender } from '../callbacks/callback-sender';
import { DISPATCHER_ENV, type DispatcherEnv } from '../dispatcher.env';
import type { CallableEndpoint } from '../endpoints/dispatch-endpoints';
import { answersValidation, VALIDATION_TRIGGER } from '../endpoints/validation-handshake';
import { RetrySchedule } from '../schedule/retry-schedule';
import { WebhookSigner } from '../signing/webhook-signer';
import { AttemptRecorder } from './attempt-recorder';
import { describeAttempt, inAttemptSpan } from './attempt-span';
import { judgeAttempt } from './attempt-verdict';
import { publishesOutcome, type AttemptRecord, type ClaimedDelivery, type FinalStatus } from './delivery-log';
import { DeliveryMetrics } from './delivery-metrics';

/**
 * One attempt at one delivery: sign the exact body, POST it, and record what it means: done,
 * final failure, endpoint gone, or the next attempt's time on the schedule. An endpoint that has
 * been failing without a success for longer than DISPATCH_DISABLE_AFTER is disabled here.
 */
@Injectable()
export class DeliveryAttempt {
  private readonly logger = new Logger(DeliveryAttempt.name);
  private readonly schedule: RetrySchedule;

  constructor(
    private readonly sender: CallbackSender,
    private readonly signer: WebhookSigner,
    private readonly recorder: AttemptRecorder,
    @Inject(DISPATCHER_ENV) private readonly env: DispatcherEnv,
    private readonly metrics: DeliveryMetrics,
  ) {
    this.schedule = RetrySchedule.parse(env.DISPATCH_RETRY_SCHEDULE, env.DISPATCH_RETRY_JITTER, env.DISPATCH_RETRY_AFTER_MAX);
  }

  /** The longest an attempt can hold its claim: the timeout, and room to record the result. */
  get leaseMs(): number {
    return this.env.DISPATCH_TIMEOUT * 2 + 5_000;
  }

  /**
   * Resolves once the attempt is recorded: true if it left an outcome for the outbox to publish.
   * `record` writes it (by default the recorder's update of the delivery's row; a first attempt
   * made before its delivery has a row is written by its FirstAttempt).
   */
  run(delivery: ClaimedDelivery, endpoint: CallableEndpoint, record: (record: AttemptRecord) => Promise<void> = (r) => this.recorder.record(r)): Promise<boolean> {
    return inAttemptSpan(delivery, (span) => this.attempt(delivery, endpoint, record, span));
  }

  private async attempt(delivery: ClaimedDelivery, endpoint: CallableEndpoint, write: (record: AttemptRecord) => Promise<void>, span?: Span): Promise<boolean> {
    const startedAt = performance.now();
    const attemptNumber = delivery.attemptCount + 1;
    // The signature's timestamp is this instance's clock, as the receiver's check expects;
    // every time written to the database is the database's.
    const headers = this.signer.headers(delivery.id, delivery.body, endpoint.secrets, new Date());
    // Always the endpoint the registry announced: a delivery request names no URL.
    const result = await this.sender.post(endpoint.callbackUrl, delivery.body, headers);
    this.metrics.attempted(result, result.durationMs / 1000);
    const handshake = delivery.trigger === VALIDATION_TRIGGER;
    let verdict = judgeAttempt(result);
    if (handshake && verdict === 'delivered' && !answersValidation(delivery.body, result.responseExcerpt?.toString('utf8') ?? null)) {
      verdict = 'final';
      result.error = 'the callback answered 2xx without {"validationResponse": "<the code>"}';
    }

    let retryInMs: number | null = null;
    let finalStatus: FinalStatus | null = null;
    if (verdict === 'delivered') finalStatus = handshake ? 'validated' : 'delivered';
    else if (verdict === 'gone') finalStatus = 'gone';
    else if (verdict === 'final') finalStatus = 'failed';
    else {
      retryInMs = this.schedule.nextDelay(attemptNumber, result.retryAfterMs);
      if (retryInMs === null) finalStatus = 'failed';
    }

    const success = verdict === 'delivered';
    // By the database's clock: failing_since is written with its now(), and the claim, a
    // moment before this attempt began, read its now() too.
    const failingSince = success ? null : (endpoint.failingSince ?? delivery.claimedAt);
    const failedFor = success ? 0 : delivery.claimedAt.getTime() - failingSince!.getTime();
    const disableReason =
      handshake && finalStatus === 'failed'
        ? `validation handshake failed: ${result.error ?? `HTTP ${result.statusCode}`}`
        : !success && verdict !== 'gone' && failedFor >= this.env.DISPATCH_DISABLE_AFTER
          ? `callbacks failed for ${formatSpan(failedFor)} without a success (last: ${result.error ?? `HTTP ${result.statusCode}`})`
          : null;
    if (disableReason) {
      finalStatus = 'failed';
      retryInMs = null;
      endpoint.status = 'disabled';
    }
    const healthChange = disableReason ? 'disabled' : success ? (endpoint.failingSince ? 'recovered' : null) : endpoint.failingSince ? null : 'failing';
    endpoint.failingSince = failingSince;

    describeAttempt(span, result.statusCode, finalStatus ?? 'retry', result.error, retryInMs);
    const record: AttemptRecord = { delivery, attemptNumber, startedAt, result, retryInMs, finalStatus, healthChange, disableReason };
    await write(record);
    if (finalStatus) this.metrics.ended(finalStatus);
    if (finalStatus && finalStatus !== 'delivered') {
      this.logger.warn(`delivery ${delivery.id} ${finalStatus} after ${attemptNumber} attempt(s): ${result.error ?? `HTTP ${result.statusCode}`}`);
    }
    if (disableReason) this.logger.warn(`endpoint of subscription ${delivery.subscriptionId} disabled: ${disableReason}`);
    return publishesOutcome(finalStatus);
  }
}

function formatSpan(ms: number): string {
  if (ms >= 86_400_000) return `${(ms / 86_400_000).toFixed(1)} days`;
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} hours`;
  if (ms >= 60_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 1000)} s`;
}
