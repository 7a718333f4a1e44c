// The Docker image tier (`npm run test:docker`): builds the repo's Dockerfile and runs it end to
// end. Its own config, as it needs a Docker engine that `npm test` does not ask of a machine.
const path = require('node:path');
const { projects } = require('../../jest.config.js');

const unit = projects.find((p) => p.displayName === 'unit');

module.exports = {
  ...unit,
  rootDir: path.resolve(__dirname, '../..'),
  displayName: 'image',
  testMatch: ['<rootDir>/test/docker/*.docker-spec.ts'],
  globalSetup: '<rootDir>/test/docker/global-setup.ts',
  globalTeardown: '<rootDir>/test/docker/global-teardown.ts',
  testTimeout: 300_000,
};
