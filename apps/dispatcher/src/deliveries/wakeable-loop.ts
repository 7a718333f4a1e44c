import { Logger } from '@nestjs/common';

/**
 * Runs `work` again and again: right away when woken, else every `intervalMs`. A failing run
 * (the database restarting) is logged and retried after `intervalMs`; nothing is lost, because
 * what the work acts on lives in the database. `stop` waits for the run in progress.
 */
export class WakeableLoop {
  private running = false;
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
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.work();
      } catch (error) {
        this.logger.error(`${this.name} failed, retrying: ${(error as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.intervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
