import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { TriggerName } from '@tripline/contracts';
import { ApiExcludeEndpoint, ApiNoContentResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { decodeCursor, encodeCursor, HttpError, ZodPipe } from '@tripline/service';
import { ZodResponse } from 'nestjs-zod';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import type { Response } from 'express';
import { z } from 'zod';
import { RegistryClient } from './registry-client';
import { expectOutcome } from './registry-outcome';
import { subscribeBodyFor } from './subscribe-request';
import { DispatcherClient, recoverDeliveries } from '../deliveries/dispatcher-client';
import { RequestTimedOutFilter } from '../request-timed-out.filter';
import { CallbackUrlCheck } from './callback-url-check';
import { CallbackUrlSeal } from './callback-url-seal';
import { SubscriptionLocation } from './subscription-location';
import { SubscriptionSecretReader } from './subscription-secret-reader';
import {
  EnableSubscription,
  EnableSubscriptionDto,
  SecretRotatedDto,
  SubscriptionDto,
  SubscriptionsPageDto,
  SubscriptionsQuery,
  SubscriptionsQueryDto,
} from './subscription.dtos';
import { toView, type SubscriptionView } from './subscription-view';


/** Unknown ids and other tenants' ids look the same: not found. */
const noSuchSubscription = () => new HttpError('not_found', 'no such subscription');
const UnknownId = new ParseUUIDPipe({ exceptionFactory: noSuchSubscription });

@ApiTags('subscriptions')
@ApiSecurity('apiKey')
@Controller('v1/subscriptions')
@UseGuards(ApiKeyGuard)
@UseFilters(RequestTimedOutFilter)
export class SubscriptionsController {
  constructor(
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    private readonly callbackUrls: CallbackUrlCheck,
    private readonly callbackUrlSeal: CallbackUrlSeal,
    private readonly secrets: SubscriptionSecretReader,
    @Inject(DispatcherClient) private readonly recovery: DispatcherClient,
    private readonly location: SubscriptionLocation,
  ) {}

  @Get()
  @ZodResponse({ status: 200, description: "The tenant's subscriptions: the disabled ones first, then the others", type: SubscriptionsPageDto })
  async list(
    @CurrentTenant() tenantId: string,
    @Query(new ZodPipe(SubscriptionsQuery)) query: SubscriptionsQueryDto,
  ): Promise<{ subscriptions: SubscriptionView[]; nextCursor: string | null }> {
    const [part, id] = decodeCursor(query.cursor, 2, ([part, id]) => (part === 'disabled' || part === 'others') && z.uuid().safeParse(id).success) ?? [];
    const after = id ? { disabled: part === 'disabled', id } : undefined;
    const outcome = expectOutcome(await this.registry.ask({ kind: 'list', tenantId, limit: query.limit, after, status: query.status, trigger: query.trigger }), 'listed');
    const next = outcome.nextAfter;
    return { subscriptions: outcome.subscriptions.map(toView), nextCursor: next ? encodeCursor([next.disabled ? 'disabled' : 'others', next.id]) : null };
  }

  @Get(':id')
  @ZodResponse({ status: 200, description: 'The subscription', type: SubscriptionDto })
  async get(@CurrentTenant() tenantId: string, @Param('id', UnknownId) id: string): Promise<SubscriptionView> {
    const { subscription } = expectOutcome(await this.registry.ask({ kind: 'get', tenantId, subscriptionId: id }), 'found');
    if (!subscription) throw noSuchSubscription();
    return toView(subscription);
  }

  /**
   * The Power Automate subscribe call: 201 with a Location the platform will DELETE later.
   * Idempotent: the same callback and parameters give the same subscription.
   */
  @Post(':trigger')
  @HttpCode(201)
  @ApiExcludeEndpoint() // documented per trigger from the catalogue (api-docs/openapi.ts)
  async subscribe(
    @CurrentTenant() tenantId: string,
    @Param('trigger', new ZodPipe(TriggerName, 'trigger')) trigger: TriggerName,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SubscriptionView & { secret: string }> {
    const { callbackUrl, handshake, ...params } = new ZodPipe(subscribeBodyFor(trigger)).transform(body ?? {});
    await this.callbackUrls.assertAllowed(callbackUrl);
    const sealedCallbackUrl = this.callbackUrlSeal.seal(callbackUrl);
    const outcome = expectOutcome(
      await this.registry.ask({ kind: 'subscribe', tenantId, trigger, sealedCallbackUrl, params, handshake }),
      'subscribed',
    );
    res.location(this.location.of(outcome.subscription.id));
    // The secret is in the subscribe answer only; a repeated subscribe is the same call, so it gets it too.
    return { ...toView(outcome.subscription), secret: this.secrets.current(outcome.subscription) };
  }

  /** A new signing secret; the previous one keeps signing for TRIPLINE_SECRET_ROTATION_OVERLAP_S. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ZodResponse({ status: 200, description: 'The new secret, shown once', type: SecretRotatedDto })
  async rotateSecret(@CurrentTenant() tenantId: string, @Param('id', UnknownId) id: string) {
    const { subscription } = expectOutcome(await this.registry.ask({ kind: 'rotate-secret', tenantId, subscriptionId: id }), 'changed');
    if (!subscription) throw noSuchSubscription();
    return { subscriptionId: id, secret: this.secrets.current(subscription), previousSecretsExpireAt: this.secrets.previousExpireAt(subscription) };
  }

  /** Re-enables a subscription disabled for failing (or for answering 410), optionally resending what it missed. */
  @Post(':id/enable')
  @HttpCode(200)
  @ZodResponse({ status: 200, description: 'The subscription, active again', type: SubscriptionDto })
  async enable(
    @CurrentTenant() tenantId: string,
    @Param('id', UnknownId) id: string,
    @Body(new ZodPipe(EnableSubscription)) body: EnableSubscriptionDto,
  ): Promise<SubscriptionView> {
    const { subscription } = expectOutcome(await this.registry.ask({ kind: 'enable', tenantId, subscriptionId: id }), 'changed');
    if (!subscription) throw noSuchSubscription();
    if (body.recoverSince) await recoverDeliveries(this.recovery, tenantId, id, { since: body.recoverSince }, subscription);
    return toView(subscription);
  }

  /** 204 whether or not the subscription existed: the platform retries deletes too. */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, or there was no such subscription' })
  async unsubscribe(@CurrentTenant() tenantId: string, @Param('id') id: string): Promise<void> {
    if (!z.uuid().safeParse(id).success) return;
    expectOutcome(await this.registry.ask({ kind: 'unsubscribe', tenantId, subscriptionId: id }), 'unsubscribed');
  }
}
