export * from './address-policy';
export * from './callback-resolver';
