import './tracing';
import 'reflect-metadata';
import { runService } from '@tripline/service';
import { loadRegistryEnv } from './registry.env';
import { registryModule } from './registry.module';

void runService('registry', () => {
  const env = loadRegistryEnv();
  return { module: registryModule(env), port: env.PORT, logLevel: env.LOG_LEVEL, logFormat: env.LOG_FORMAT };
});
