import { Logger } from '@nestjs/common';

/**
 * Runs `work` again and again: right away when woken, else every `intervalMs`. A wake during a
 * run is kept: the next run starts as soon as this one ends, so nothing woken for waits a whole
 * interval. A failing run (the database restarting) is logged and retried after `intervalMs`;
 * nothing is lost, because what the work acts on lives in the database. `stop` waits for the
 * run in progress.
 */
export class WakeableLoop {
  private running = false;
  private woken = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
    private readonly logger = new Logger(name),
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  get isRunning(): boolean {
    return this.running;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.woken = false;
      let failed = false;
      try {
        await this.work();
      } catch (error) {
        failed = true;
        this.logger.error(`${this.name} failed, retrying: ${(error as Error).message}`);
      }
      if (this.woken && !failed) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.intervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }
}
