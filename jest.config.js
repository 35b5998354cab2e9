/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  // Integration suites share one Temporal and one MongoDB-protocol server; two cores, two workers.
  maxWorkers: 2,
  testTimeout: 60_000,
  // Fail rather than hang on a leaked handle: every suite closes what it opens.
  forceExit: false,
};
