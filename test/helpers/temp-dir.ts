import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A fresh folder for the current test file, removed when the file's tests are done; outside a
 * test run (the bench reuses the test helpers), removed when the process exits.
 */
export async function tempDir(prefix = 'mlops-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  if (process.env.VITEST) afterAll(() => rm(dir, { recursive: true, force: true }));
  else process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
