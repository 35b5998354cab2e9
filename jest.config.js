/** @type {import('jest').Config} */
const project = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest'] },
};

/**
 * `npm test` runs the two projects one after the other. The fault suites each run a receiver,
 * two workers and servers of their own as processes and kill or stop them; on two cores, running
 * them beside other suites that start worker processes (horizontal-workers) starved both.
 */
module.exports = {
  projects: [
    {
      ...project,
      displayName: 'hookflow',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/faults'],
    },
    {
      ...project,
      displayName: 'faults',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/integration/faults*.test.ts'],
    },
  ],
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  globalTeardown: '<rootDir>/test/harness/global-teardown.ts',
  // Integration suites share one Temporal and one MongoDB-protocol server; two cores, two workers.
  maxWorkers: 2,
  testTimeout: 60_000,
  // Fail rather than hang on a leaked handle: every suite closes what it opens.
  forceExit: false,
};
