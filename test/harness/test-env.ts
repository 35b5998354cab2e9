import type { RunningMongo } from '../../src/stack/mongo-server';
import type { RunningServer } from '../../src/stack/temporal-server';

/** How global setup tells the suites (separate processes) where the shared stack is. */
export const TEST_ENV = {
  temporalAddress: 'HOOKFLOW_TEST_TEMPORAL_ADDRESS',
  mongoUri: 'HOOKFLOW_TEST_MONGODB_URI',
  bundlePath: 'HOOKFLOW_TEST_WORKFLOW_BUNDLE',
  dir: 'HOOKFLOW_TEST_DIR',
} as const;

export interface TestStackHandle {
  readonly temporal: RunningServer;
  readonly mongo: RunningMongo;
  readonly dir: string;
}

export function testEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run the suites through jest's global setup (npm test)`);
  return value;
}
