export * from './secret-box';
export * from './signing-secret';
export * from './redacted-url';
