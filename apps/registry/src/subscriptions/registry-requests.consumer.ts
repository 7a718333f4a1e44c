import { Controller, Logger } from '@nestjs/common';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { CallbackUrl, TriggerParams, describeIssues, type FieldIssue, type RegistryOutcome, type RegistryRequest } from '@tripline/contracts';
import { OnTopic, TopicPublisher, type Inbound, type Outbound } from '@tripline/kafka';
import { CallbackUrls } from './callback-urls';
import { SubscriptionChanges } from './subscription-changes';
import { boundedPage } from './subscription-page';
import { SubscriptionLimitReached, SubscriptionStore, type SubscribeRequest } from './subscription-store';

type SubscribeCall = Extract<RegistryRequest, { kind: 'subscribe' }>;

/**
 * Answers the gateway's questions about subscriptions. Requests are keyed by tenant, so one
 * tenant's requests are handled in order by one consumer: a run of subscribe calls together
 * (SubscriptionStore.subscribeMany), anything else one at a time. Within a batch: database first,
 * then the changes, then the replies, then (in TopicConsumers) the offset commit.
 */
@Controller()
export class RegistryRequestsConsumer {
  private readonly logger = new Logger(RegistryRequestsConsumer.name);

  constructor(
    private readonly publisher: TopicPublisher,
    private readonly store: SubscriptionStore,
    private readonly changes: SubscriptionChanges,
    private readonly callbackUrls: CallbackUrls,
  ) {}

  // A request older than the gateway's timeout has nobody waiting, but its effect still counts.
  @OnTopic('registryRequests', { group: 'requests', fromBeginning: true })
  async handle(batch: Array<Inbound<'registryRequests'>>): Promise<void> {
    const replies: Array<Outbound<'registryReplies'>> = [];
    const changes: Parameters<SubscriptionChanges['publish']>[0] = [];
    // Each reply goes back in its request's trace (undefined when tracing is off).
    const reply = ({ value: request, trace }: Inbound<'registryRequests'>, outcome: RegistryOutcome) =>
      replies.push({ key: request.replyTo, value: { requestId: request.requestId, replyTo: request.replyTo, outcome }, trace });
    for (let at = 0; at < batch.length; ) {
      // A run of subscribe calls is answered together (a few statements for the lot), in order;
      // its statements are in its first request's trace, as they serve them all.
      let end = at;
      while (end < batch.length && batch[end].value.kind === 'subscribe') end++;
      if (end > at) {
        const run = batch.slice(at, end);
        const outcomes = await context.with(run[0].trace ?? ROOT_CONTEXT, () => this.subscribeAll(run.map((m) => m.value as SubscribeCall), changes));
        run.forEach((message, i) => reply(message, outcomes[i]));
        at = end;
        continue;
      }
      // Anything else one at a time, each within its request's trace: its statements are in it too.
      const message = batch[at++];
      reply(message, await context.with(message.trace ?? ROOT_CONTEXT, () => this.answer(message.value, changes)));
    }
    await this.changes.publish(changes);
    await this.publisher.publish('registryReplies', replies);
  }

  /** Each call's outcome, in order: refused (bad parameters or callback URL, or the tenant's limit), or subscribed. */
  private async subscribeAll(calls: SubscribeCall[], changes: Parameters<SubscriptionChanges['publish']>[0]): Promise<RegistryOutcome[]> {
    const outcomes: RegistryOutcome[] = [];
    const valid: Array<{ at: number; request: SubscribeRequest }> = [];
    for (const [at, call] of calls.entries()) {
      const params = TriggerParams[call.trigger].safeParse(call.params);
      const callbackUrl = this.openCallbackUrl(call.sealedCallbackUrl);
      if (!params.success || typeof callbackUrl !== 'string') {
        const issues = [...(params.success ? [] : describeIssues(params.error)), ...(typeof callbackUrl === 'string' ? [] : callbackUrl)];
        const message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
        this.logger.warn(`refused subscribe for tenant ${call.tenantId}: ${message}`);
        outcomes[at] = { kind: 'failed', code: 'invalid_request', message };
        continue;
      }
      valid.push({ at, request: { tenantId: call.tenantId, trigger: call.trigger, callbackUrl, params: params.data, handshake: call.handshake } });
    }
    const subscribed = valid.length > 0 ? await this.store.subscribeMany(valid.map((v) => v.request)) : [];
    for (const [i, { at }] of valid.entries()) {
      const result = subscribed[i];
      if (result instanceof SubscriptionLimitReached) {
        outcomes[at] = { kind: 'failed', code: 'limit_reached', message: result.message };
        continue;
      }
      // Published even when nothing changed: a redelivered request must still reach the evaluator.
      changes.push({ change: result.subscription.version > 1 ? 'reactivated' : 'created', subscription: result.subscription });
      outcomes[at] = { kind: 'subscribed', subscription: result.subscription, created: result.created };
    }
    return outcomes;
  }

  private async answer(request: RegistryRequest, changes: Parameters<SubscriptionChanges['publish']>[0]): Promise<RegistryOutcome> {
    switch (request.kind) {
      case 'subscribe':
        return (await this.subscribeAll([request], changes))[0];
      case 'set-operations-webhook': {
        const callbackUrl = this.openCallbackUrl(request.sealedCallbackUrl);
        if (typeof callbackUrl !== 'string') {
          const message = callbackUrl.map((i) => `${i.path}: ${i.message}`).join('; ');
          this.logger.warn(`refused operations webhook for tenant ${request.tenantId}: ${message}`);
          return { kind: 'failed', code: 'invalid_request', message };
        }
        try {
          const { subscription, created, change } = await this.store.setOperationsWebhook(request.tenantId, callbackUrl);
          // Published even when nothing changed: a redelivered request must still reach the evaluator and dispatcher.
          changes.push({ change: change ?? (subscription.version > 1 ? 'reactivated' : 'created'), subscription });
          return { kind: 'subscribed', subscription, created };
        } catch (error) {
          if (error instanceof SubscriptionLimitReached) return { kind: 'failed', code: 'limit_reached', message: error.message };
          throw error;
        }
      }
      case 'rotate-secret': {
        const rotated = await this.store.rotateSecret(request.tenantId, request.subscriptionId);
        if (rotated) changes.push({ change: 'secret-rotated', subscription: rotated });
        return { kind: 'changed', subscription: rotated };
      }
      case 'enable': {
        const enabled = await this.store.enable(request.tenantId, request.subscriptionId);
        if (enabled) changes.push({ change: 'enabled', subscription: enabled });
        return { kind: 'changed', subscription: enabled };
      }
      case 'unsubscribe': {
        const deleted = await this.store.unsubscribe(request.tenantId, request.subscriptionId);
        // Published even when it was deleted already: a redelivered request must still reach the evaluator and dispatcher.
        if (deleted) changes.push({ change: 'deleted', subscription: deleted.subscription });
        return { kind: 'unsubscribed', found: deleted?.changedNow ?? false };
      }
      case 'get':
        return { kind: 'found', subscription: await this.store.get(request.tenantId, request.subscriptionId) };
      case 'list': {
        const { subscriptions, more } = await this.store.list(request.tenantId, request.limit, request.after, request);
        return { kind: 'listed', ...boundedPage(subscriptions, more) };
      }
    }
  }

  /** The plain callback URL of a subscribe request, or what is wrong with it (never the URL itself). */
  private openCallbackUrl(sealed: string): string | FieldIssue[] {
    const url = this.callbackUrls.open(sealed);
    if (url === null) return [{ path: 'callbackUrl', message: 'cannot be opened with this TRIPLINE_SECRETS_KEY' }];
    const parsed = CallbackUrl.safeParse(url);
    return parsed.success ? parsed.data : describeIssues(parsed.error, 'callbackUrl');
  }
}
