import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { stopTracing } from './tracing-switch';

/** Exports the spans still buffered when the service shuts down (a no-op when tracing is off). */
@Module({})
export class TracingModule implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}
