import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { PrismaService } from '@tripline/db';
import { isSealed } from '@tripline/secrets';
import { CallbackUrls } from './callback-urls';
import { SubscriptionChanges } from './subscription-changes';
import { toSubscription } from './subscription-store';

/** Rows sealed per statement and per publish. */
const CHUNK = 500;

/**
 * The upgrade from plaintext callback URLs (migration 20261130030000_sealed_callback_urls moved
 * them, as they were, into `sealed_callback_url`): seals every such row in place, with its
 * redacted form, a version up, and publishes each one so that the compacted subscriptions topic
 * replaces its plaintext records and the dispatcher's endpoints hold the sealed URL.
 *
 * Runs at boot, before the registry answers anything (module init comes before the consumers
 * start). Published before written: if the registry dies in between, the next boot seals the
 * row again and publishes the same version, which consumers that took the first one ignore
 * (it opens to the same URL). Nothing to do on a database that never held a plaintext URL.
 */
@Injectable()
export class LegacyCallbackUrls implements OnModuleInit {
  private readonly logger = new Logger(LegacyCallbackUrls.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly callbackUrls: CallbackUrls,
    private readonly changes: SubscriptionChanges,
  ) {}

  async onModuleInit(): Promise<void> {
    let sealed = 0;
    for (;;) {
      const rows = await this.prisma.subscription.findMany({ where: { NOT: { sealedCallbackUrl: { startsWith: 'v1.' } } }, take: CHUNK });
      const legacy = rows.filter((r) => !isSealed(r.sealedCallbackUrl));
      if (legacy.length === 0) break;
      const resealed = legacy.map((row) => ({ ...row, ...this.callbackUrls.keep(row.sealedCallbackUrl), version: row.version + 1, updatedAt: new Date() }));
      await this.changes.publish(resealed.map((row) => ({ change: 'callback-sealed' as const, subscription: toSubscription(row) })));
      await this.prisma.$transaction(
        resealed.map((row, i) =>
          // Only if it is still the plaintext this run read: another registry starting at the same time may have sealed it.
          this.prisma.subscription.updateMany({
            where: { id: row.id, sealedCallbackUrl: legacy[i].sealedCallbackUrl },
            data: { sealedCallbackUrl: row.sealedCallbackUrl, redactedCallbackUrl: row.redactedCallbackUrl, version: row.version, updatedAt: row.updatedAt },
          }),
        ),
      );
      sealed += legacy.length;
    }
    if (sealed > 0) this.logger.log(`sealed the callback URLs of ${sealed} subscription(s) kept in plaintext before this version`);
  }
}
