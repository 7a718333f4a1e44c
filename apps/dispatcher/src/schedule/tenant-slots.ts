/**
 * Dispatch slots per tenant, in one dispatcher instance: at most `cap` callbacks of one tenant
 * in flight at once. Slots are otherwise first come, first served, and an attempt holds its
 * slot until it ends (up to DISPATCH_TIMEOUT): without a cap, one tenant with enough hanging
 * endpoints (DISPATCH_CONCURRENCY ÷ DISPATCH_ENDPOINT_CONCURRENCY of them) holds every slot, and
 * every other tenant's callbacks wait for its timeouts.
 *
 * A fixed cap rather than a share of what is free: a slot cannot be taken back from a hanging
 * attempt, so room for the others must be kept before it is needed, not made when they come.
 */
export class TenantSlots {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly cap: number) {}

  /** Takes one of the tenant's slots if it has one free; the caller must `release` it after the attempt. */
  tryAcquire(tenantId: string): boolean {
    const n = this.inFlight.get(tenantId) ?? 0;
    if (n >= this.cap) return false;
    this.inFlight.set(tenantId, n + 1);
    return true;
  }

  /**
   * Gives a slot back. True when the tenant was at its cap: claims skipped its due deliveries
   * meanwhile, so some may be waiting for exactly this slot.
   */
  release(tenantId: string): boolean {
    const held = this.inFlight.get(tenantId) ?? 1;
    if (held <= 1) this.inFlight.delete(tenantId);
    else this.inFlight.set(tenantId, held - 1);
    return held >= this.cap;
  }

  /**
   * What a claim of due deliveries may take: none of the tenants in `saturated`, at most `free`
   * of each tenant in `partlyUsed`, and at most `cap` of any other tenant.
   */
  room(): { saturated: string[]; partlyUsed: Array<{ tenantId: string; free: number }> } {
    const saturated: string[] = [];
    const partlyUsed: Array<{ tenantId: string; free: number }> = [];
    for (const [tenantId, n] of this.inFlight) {
      if (n >= this.cap) saturated.push(tenantId);
      else partlyUsed.push({ tenantId, free: this.cap - n });
    }
    return { saturated, partlyUsed };
  }
}
