import { Controller } from '@nestjs/common';
import type { SubscriptionStatus } from '@tripline/contracts';
import { OnTopic, Unavailable, type Inbound, type Rejection } from '@tripline/kafka';
import { DeliveryScheduler } from '../deliveries/delivery-scheduler';
import { DispatchEndpoints } from './dispatch-endpoints';
import { validationDelivery } from './validation-handshake';

/** Statuses under which the dispatcher calls the URL (events, or the handshake): only these need it opened. */
const SENDING: ReadonlySet<SubscriptionStatus> = new Set(['active', 'pending_validation']);

/**
 * Keeps the dispatcher's endpoints (sealed URLs, secrets, status) in step with the registry,
 * and sends the validation handshake to a subscription waiting for it.
 */
@Controller()
export class SubscriptionChangesConsumer {
  constructor(
    private readonly endpoints: DispatchEndpoints,
    private readonly scheduler: DeliveryScheduler,
  ) {}

  /**
   * A deletion or a disabling is applied whatever its URL: it sends nothing, and losing it would
   * keep calling a flow its owner stopped. A change that sends needs a URL this key opens: one
   * that does not (sealed with another key, or tampered with) would fail every delivery, so it
   * is dead-lettered with the reason and the rest applied; but when none of the batch opens, nor
   * any URL the dispatcher holds, the key is what is wrong (not the messages), and the batch
   * waits (Unavailable) until the operator fixes it.
   */
  @OnTopic('subscriptionChanges', { group: 'endpoints' })
  async handle(batch: Array<Inbound<'subscriptionChanges'>>): Promise<Array<Rejection<'subscriptionChanges'>>> {
    const sending = batch.filter((m) => SENDING.has(m.value.subscription.status));
    const unopenable = sending.filter((m) => !this.endpoints.opens(m.value.subscription.sealedCallbackUrl));
    const subscriptions = batch.filter((m) => !unopenable.includes(m)).map((m) => m.value.subscription);
    await this.endpoints.apply(subscriptions);
    if (unopenable.length > 0 && unopenable.length === sending.length && !(await this.endpoints.opensStoredUrls())) {
      throw new Unavailable(
        `none of the ${unopenable.length} callback URL(s) of these subscription changes, nor any the dispatcher holds, opens with this TRIPLINE_SECRETS_KEY: ` +
          'it must be the registry\'s key (waiting for it to be fixed; deletions and disablings are applied meanwhile)',
      );
    }
    const handshakes = subscriptions.filter((s) => s.status === 'pending_validation').map(validationDelivery);
    if (handshakes.length > 0) await this.scheduler.schedule(handshakes);
    return unopenable.map((message) => ({ message, reason: 'subscription.sealedCallbackUrl: cannot be opened with this TRIPLINE_SECRETS_KEY' }));
  }
}
