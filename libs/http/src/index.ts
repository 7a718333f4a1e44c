export * from './health.controller';
export * from './health.module';
export * from './http-errors.filter';
export * from './readiness';
export * from './run-service';
export * from './zod.pipe';
export * from './service-infra.module';
export * from './pagination';
