import { rmSync } from 'node:fs';
import type { TestStackHandle } from './test-env';

export default async function globalTeardown(): Promise<void> {
  const handle = (globalThis as Record<string, unknown>).__hookflowTestStack as TestStackHandle | undefined;
  if (!handle) return;
  await Promise.all([handle.temporal.stop(), handle.mongo.stop()]);
  // Keep the logs of a failed CI run; a local green run cleans up after itself.
  if (!process.env.CI) rmSync(handle.dir, { recursive: true, force: true });
}
