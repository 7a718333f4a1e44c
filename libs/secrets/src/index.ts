export * from './secret-box';
export * from './signing-secret';
