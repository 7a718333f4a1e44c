export * from './tracing-switch';
export * from './trace-context';
export * from './tracing.module';
