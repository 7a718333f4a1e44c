import { FreedSlots } from './freed-slots';

describe('FreedSlots', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('wakes every waiter when a slot is freed', async () => {
    const slots = new FreedSlots();
    const first = slots.next(1_000);
    const second = slots.next(1_000);
    slots.signal();
    await expect(Promise.all([first, second])).resolves.toEqual([true, true]);
  });

  it('gives up after the timeout when no slot is freed, and a later signal finds no one waiting', async () => {
    const slots = new FreedSlots();
    const waited = slots.next(100);
    jest.advanceTimersByTime(100);
    await expect(waited).resolves.toBe(false);
    slots.signal();
    const next = slots.next(50);
    jest.advanceTimersByTime(50);
    await expect(next).resolves.toBe(false);
  });
});
