export * from './bounded-label';
export * from './metric-catalogue';
export * from './metrics-registry';
export * from './metrics.module';
export * from './scrape-sample';
export * from './tally';
