import './tracing';
import 'reflect-metadata';
import { runService } from '@tripline/service';
import { loadGatewayEnv } from './gateway.env';
import { publishOpenApi } from './api-docs/openapi';
import { builtConsoleDir, serveConsole } from './console-app/console-assets';
import { gatewayModule } from './gateway.module';

void runService('gateway', () => {
  const env = loadGatewayEnv();
  return {
    module: gatewayModule(env),
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    logFormat: env.LOG_FORMAT,
    trustProxy: env.TRIPLINE_TRUST_PROXY,
    configure: (app) => {
      publishOpenApi(app);
      serveConsole(app, builtConsoleDir());
    },
  };
});
