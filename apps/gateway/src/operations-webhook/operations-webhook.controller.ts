import { Body, Controller, Delete, Get, HttpCode, Inject, Put, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { operationsWebhookId } from '@tripline/contracts';
import { HttpError, ZodPipe } from '@tripline/service';
import { ApiKeyGuard, CurrentTenant } from '@tripline/tenancy';
import type { Response } from 'express';
import { ZodResponse } from 'nestjs-zod';
import { RequestTimedOutFilter } from '../request-timed-out.filter';
import { CallbackUrlCheck } from '../subscriptions/callback-url-check';
import { CallbackUrlSeal } from '../subscriptions/callback-url-seal';
import { RegistryClient } from '../subscriptions/registry-client';
import { expectOutcome } from '../subscriptions/registry-outcome';
import { SubscriptionSecretReader } from '../subscriptions/subscription-secret-reader';
import { SubscriptionDto } from '../subscriptions/subscription.dtos';
import { toView, type SubscriptionView } from '../subscriptions/subscription-view';
import { OperationsWebhookSetDto, SetOperationsWebhook, SetOperationsWebhookDto } from './operations-webhook.dtos';

const noOperationsWebhook = () => new HttpError('not_found', 'no operations webhook is set');

/**
 * The tenant's operations webhook: where Tripline tells the tenant that one of its subscriptions
 * was disabled. It is the tenant's subscription of trigger subscription-disabled with a derived id
 * (one per tenant), so it is sealed, signed, retried, logged, rotated and enabled like any
 * subscription: `/v1/subscriptions/{id}/...` works on it too.
 */
@ApiTags('operations webhook')
@ApiSecurity('apiKey')
@Controller('v1/operations-webhook')
@UseGuards(ApiKeyGuard)
@UseFilters(RequestTimedOutFilter)
export class OperationsWebhookController {
  constructor(
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    private readonly callbackUrls: CallbackUrlCheck,
    private readonly callbackUrlSeal: CallbackUrlSeal,
    private readonly secrets: SubscriptionSecretReader,
  ) {}

  /**
   * Sets it, or moves it to another URL (keeping its secret), or makes it active again: 201 when
   * it was made, 200 when it existed. The signing secret is in this answer, as in a subscribe's.
   */
  @Put()
  @ZodResponse({ status: 201, description: 'Made: the operations webhook and its signing secret', type: OperationsWebhookSetDto })
  @ApiOkResponse({ description: 'It was set already: moved to this URL, made active again, or unchanged; the same secret', type: OperationsWebhookSetDto })
  async set(
    @CurrentTenant() tenantId: string,
    @Body(new ZodPipe(SetOperationsWebhook)) body: SetOperationsWebhookDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SubscriptionView & { secret: string }> {
    await this.callbackUrls.assertAllowed(body.url, 'url');
    const sealedCallbackUrl = this.callbackUrlSeal.seal(body.url);
    const { subscription, created } = expectOutcome(await this.registry.ask({ kind: 'set-operations-webhook', tenantId, sealedCallbackUrl }), 'subscribed');
    res.status(created ? 201 : 200);
    return { ...toView(subscription), secret: this.secrets.current(subscription) };
  }

  @Get()
  @ZodResponse({ status: 200, description: "The tenant's operations webhook", type: SubscriptionDto })
  async get(@CurrentTenant() tenantId: string): Promise<SubscriptionView> {
    const { subscription } = expectOutcome(await this.registry.ask({ kind: 'get', tenantId, subscriptionId: operationsWebhookId(tenantId) }), 'found');
    if (!subscription) throw noOperationsWebhook();
    return toView(subscription);
  }

  /** 204 whether or not one was set. */
  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Removed, or none was set' })
  async remove(@CurrentTenant() tenantId: string): Promise<void> {
    expectOutcome(await this.registry.ask({ kind: 'unsubscribe', tenantId, subscriptionId: operationsWebhookId(tenantId) }), 'unsubscribed');
  }
}
