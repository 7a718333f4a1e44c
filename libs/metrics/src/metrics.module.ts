import { Global, Module } from '@nestjs/common';
import { MetricsRegistry } from './metrics-registry';

/** The app's MetricsRegistry, for every provider of the app: one per Nest app, made by its factory. */
@Global()
@Module({ providers: [{ provide: MetricsRegistry, useFactory: () => new MetricsRegistry() }], exports: [MetricsRegistry] })
export class MetricsModule {}
