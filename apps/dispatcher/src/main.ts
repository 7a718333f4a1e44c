import './tracing';
import 'reflect-metadata';
import { runService } from '@tripline/service';
import { loadDispatcherEnv } from './dispatcher.env';
import { dispatcherModule } from './dispatcher.module';

void runService('dispatcher', () => {
  const env = loadDispatcherEnv();
  return { module: dispatcherModule(env), port: env.PORT, logLevel: env.LOG_LEVEL, logFormat: env.LOG_FORMAT };
});
