// Lint is here for one reason above all: the Nx module boundaries. They make the architecture a
// rule the build enforces, not a convention: apps never import apps, contracts and config import
// no other lib of ours, and only tests may use the testing harness.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const shared = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  // Tools (the benchmark) may use any lib, the testing harness included, but never an app.
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'scope:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:config', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:callback-policy', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:secrets', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:tracing', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:metrics', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:kafka', onlyDependOnLibsWithTags: ['scope:contracts', 'scope:config', 'scope:tracing'] },
  { sourceTag: 'scope:db', onlyDependOnLibsWithTags: ['scope:config'] },
  { sourceTag: 'scope:service', onlyDependOnLibsWithTags: ['scope:contracts', 'scope:config', 'scope:kafka', 'scope:db', 'scope:tracing', 'scope:metrics'] },
  { sourceTag: 'scope:tenancy', onlyDependOnLibsWithTags: ['scope:db', 'scope:service', 'scope:config'] },
  // The console runs in the browser: it talks to the gateway over HTTP only, and imports no lib of ours.
  { sourceTag: 'scope:console', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['scope:contracts', 'scope:config', 'scope:kafka', 'scope:db', 'scope:service', 'scope:tenancy', 'scope:secrets', 'scope:tracing', 'scope:metrics'] },
];
const productionOnly = ['gateway', 'ingestion', 'registry', 'evaluator', 'dispatcher', 'console'].map((app) => ({
  sourceTag: `scope:${app}`,
  notDependOnLibsWithTags: ['scope:testing'],
}));
const boundaries = (depConstraints) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints },
];
const testFiles = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'];
const sources = ['**/*.ts', '**/*.tsx'];

// Kafka is libs/kafka's business: everything else consumes with @OnTopic and publishes with
// TopicPublisher, so batching, dead letters and commits stay in one place.
const kafkajsOutsideLibKafka = {
  name: 'kafkajs',
  message: 'Only libs/kafka talks to kafkajs: consume with @OnTopic, publish with TopicPublisher, ask with KafkaRequestClient.',
};
// Libs that know nothing of HTTP throw their own errors; the HTTP edge (a filter or the
// controller) decides the status. Every `*Exception` of @nestjs/common is an HTTP exception but
// IntrinsicException.
const httpExceptionsOutsideHttp = {
  group: ['@nestjs/common'],
  importNamePattern: '^(?!Intrinsic).*Exception$',
  message: 'Not an HTTP lib: throw an error of its own, and map it to a status at the HTTP edge.',
};
const nonHttpLibs = ['contracts', 'db', 'config', 'secrets', 'callback-policy'].map((lib) => `libs/${lib}/**/*.ts`);

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', 'libs/db/src/generated/**', 'apps/console/src/api/schema.d.ts', '.nx/**', 'infra/**', '.tripline/**', 'scripts/**'] },
  ...tseslint.configs.recommended,
  {
    files: sources,
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': boundaries([...shared, ...productionOnly]),
    },
  },
  { files: testFiles, rules: { '@nx/enforce-module-boundaries': boundaries(shared) } },
  { files: sources, rules: { 'no-restricted-imports': ['error', { paths: [kafkajsOutsideLibKafka] }] } },
  { files: nonHttpLibs, rules: { 'no-restricted-imports': ['error', { paths: [kafkajsOutsideLibKafka], patterns: [httpExceptionsOutsideHttp] }] } },
  { files: ['libs/kafka/**/*.ts'], rules: { 'no-restricted-imports': ['error', { patterns: [httpExceptionsOutsideHttp] }] } },
  // Allowed: the test harness's broker helper (it creates, reads and deletes test topics, which
  // no service may do), the test run's teardown, the producer's test (a client pointed at no
  // broker), and the benchmark's bare-kafkajs baselines (B1-B5) and client comparison.
  {
    files: [
      'libs/testing/src/test-kafka.ts',
      'test/global-teardown.ts',
      'test/integration/record-producer.int-spec.ts',
      'bench/src/baselines.ts',
      'bench/src/durable-baselines.ts',
      'bench/src/b?-*-worker.ts',
      'bench/src/kafka-client*.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
];
