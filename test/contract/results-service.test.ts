/**
 * The results-service stand-in, driven in-process by the unmodified @actions/artifact and
 * @actions/cache, covering the calls no action makes yet (deleting artifacts, restore keys).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResultsServiceStandIn } from '../../harness/stand-ins/results-service.js';
import { tempDir } from '../helpers/temp-dir.js';

const service = await new ResultsServiceStandIn().start();
afterAll(() => service.stop());
const workspace = await tempDir('mlops-results-');
Object.assign(process.env, {
  ACTIONS_RUNTIME_TOKEN: ResultsServiceStandIn.runtimeToken('run-1', 'job-1'),
  ACTIONS_RESULTS_URL: `${service.url}/`,
  ACTIONS_CACHE_SERVICE_V2: 'True',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_WORKSPACE: workspace,
  RUNNER_TEMP: join(workspace, '_temp'),
});
process.chdir(workspace);
const { DefaultArtifactClient } = await import('@actions/artifact');
const cache = await import('@actions/cache');

describe('artifacts through @actions/artifact', () => {
  it('uploads, lists, downloads intact and deletes', async () => {
    await mkdir('out', { recursive: true });
    await writeFile('out/model.bin', Buffer.alloc(3 * 1024 * 1024, 7));
    const client = new DefaultArtifactClient();
    const uploaded = await client.uploadArtifact(
      'bundle',
      [join(workspace, 'out/model.bin')],
      workspace,
    );
    expect(uploaded.size).toBeGreaterThan(0);
    expect((await client.listArtifacts()).artifacts.map((a) => a.name)).toEqual(['bundle']);
    const { artifact } = await client.getArtifact('bundle');
    const { digestMismatch } = await client.downloadArtifact(artifact.id, {
      path: join(workspace, 'down'),
      expectedHash: artifact.digest,
    });
    expect(digestMismatch).toBe(false);
    // Buffer.equals, not toEqual: a 3 MiB deep comparison takes vitest half a minute.
    expect(
      (await readFile(join(workspace, 'down/out/model.bin'))).equals(
        Buffer.alloc(3 * 1024 * 1024, 7),
      ),
    ).toBe(true);
    await client.deleteArtifact('bundle');
    expect((await client.listArtifacts()).artifacts).toEqual([]);
    expect(service.violations).toEqual([]);
  });

  it('refuses a second artifact of the same name in a run', async () => {
    await writeFile('x.txt', 'x');
    const client = new DefaultArtifactClient();
    await client.uploadArtifact('once', [join(workspace, 'x.txt')], workspace);
    await expect(
      client.uploadArtifact('once', [join(workspace, 'x.txt')], workspace),
    ).rejects.toThrow(/already exists/);
  });
});

describe('cache entries through @actions/cache', () => {
  it('restores by exact key, then by restore-key prefix (newest first), and misses cleanly', async () => {
    await mkdir('dir', { recursive: true });
    await writeFile('dir/a.txt', 'first');
    expect(await cache.saveCache(['dir'], 'deps-linux-1')).toBeGreaterThan(0);
    await writeFile('dir/a.txt', 'second');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await cache.saveCache(['dir'], 'deps-linux-2')).toBeGreaterThan(0);
    await rm('dir', { recursive: true });
    expect(await cache.restoreCache(['dir'], 'deps-linux-1')).toBe('deps-linux-1');
    expect(await readFile('dir/a.txt', 'utf8')).toBe('first');
    expect(await cache.restoreCache(['dir'], 'deps-mac-1', ['deps-linux-'])).toBe('deps-linux-2');
    expect(await readFile('dir/a.txt', 'utf8')).toBe('second');
    expect(await cache.restoreCache(['dir'], 'nothing-like-it')).toBeUndefined();
    expect(await cache.restoreCache(['other-path'], 'deps-linux-1')).toBeUndefined(); // another path, another version
    expect(service.violations).toEqual([]);
  });

  it('does not overwrite an entry that exists (caches are immutable)', async () => {
    await writeFile('dir/a.txt', 'third');
    expect(await cache.saveCache(['dir'], 'deps-linux-1')).toBe(-1);
  });
});
