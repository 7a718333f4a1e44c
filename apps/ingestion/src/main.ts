import './tracing';
import 'reflect-metadata';
import { runService } from '@tripline/service';
import { loadIngestionEnv } from './ingestion.env';
import { ingestionModule } from './ingestion.module';

void runService('ingestion', () => {
  const env = loadIngestionEnv();
  return { module: ingestionModule(env), port: env.PORT, logLevel: env.LOG_LEVEL, logFormat: env.LOG_FORMAT, bodyLimit: '5mb' };
});
