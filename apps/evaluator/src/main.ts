import './tracing';
import 'reflect-metadata';
import { runService } from '@tripline/service';
import { loadEvaluatorEnv } from './evaluator.env';
import { evaluatorModule } from './evaluator.module';

void runService('evaluator', () => {
  const env = loadEvaluatorEnv();
  return { module: evaluatorModule(env), port: env.PORT, logLevel: env.LOG_LEVEL, logFormat: env.LOG_FORMAT };
});
