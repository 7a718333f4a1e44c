export * from './env';
export * from './retention';
