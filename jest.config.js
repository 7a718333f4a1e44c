// Three tiers, one run: unit tests beside the code (no I/O); integration tests per service and
// end-to-end tests through all five services, both against the real Kafka and Postgres that the
// global setup provisions. Integration and e2e files run one at a time: they share one broker.
const { swcOptions } = require('./scripts/swc-options.cjs');

const transform = {
  '^.+\\.ts$': ['@swc/jest', { ...swcOptions(), sourceMaps: 'inline' }],
  // Plain JavaScript of ours (scripts the tests load), as CommonJS.
  '^.+\\.m?js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const moduleNameMapper = {
  '^@tripline/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
  // The generated Prisma client imports its siblings with .js suffixes.
  '^(\\.{1,2}/.*)\\.js$': '$1',
};
const common = { rootDir: __dirname, testEnvironment: 'node', transform, moduleNameMapper, moduleFileExtensions: ['ts', 'js', 'mjs', 'json'] };
const withInfra = {
  ...common,
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};

module.exports = {
  testTimeout: 120_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/*.spec.ts', '<rootDir>/test/docker/*.spec.ts'] },
    { ...withInfra, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts', '<rootDir>/test/integration/**/*.int-spec.ts'] },
    { ...withInfra, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
  ],
};
