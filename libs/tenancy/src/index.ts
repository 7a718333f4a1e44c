export * from './api-key';
export * from './api-key-store';
export * from './api-key-usage';
export * from './api-key-verifier';
export * from './api-key.guard';
export * from './tenant-rate-limit';
export * from './tenant-session';
export * from './tenancy.module';
