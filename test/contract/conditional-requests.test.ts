/**
 * Conditional requests over the stand-in, which answers a matching If-None-Match with 304 as
 * GitHub does: the second listing is answered from the remembered copy, the cache carries over
 * to the next run of the same account only, and a listing that changed is read afresh.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ResponseCache } from '../../shared/github/conditional-requests.js';
import { createOctokitAccounts } from '../../shared/github/octokit-port.js';
import { GitHubApiStandIn } from '../../harness/stand-ins/github-api.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { promotionPayload } from '../helpers/fleet-seed.js';
import { recordingRunner } from '../helpers/recording-runner.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
/** The log of what is read; nothing here asserts on it. */
const quiet = recordingRunner();
const env = { GITHUB_API_URL: standIns.github.url };
const repository = { owner: 'octo-org', repo: 'cached' };
const seeded = standIns.github.addRepository('octo-org/cached');
const deploy = (version: string) =>
  seeded.addDeployment({
    sha: 'a'.repeat(40),
    task: 'model:churn',
    environment: 'production',
    payload: promotionPayload('churn', version),
    statuses: [{ state: 'success' }],
  });
const versions = async (cache: ResponseCache) => {
  const github = await createOctokitAccounts(GitHubApiStandIn.APP_TOKEN, quiet, { cache, env });
  const listed: string[] = [];
  for await (const d of github.port(repository).listDeployments({}))
    listed.push((d.payload as { version: string }).version);
  return { listed, counts: github.counts() };
};

describe('conditional requests', () => {
  it('answers an unchanged listing from the remembered copy, and reads a changed one afresh', async () => {
    for (let i = 0; i < 150; i++) deploy(`v${i}`);
    const cache = new ResponseCache();
    const first = await versions(cache);
    expect(first.listed).toHaveLength(150);
    expect(first.counts).toEqual({ rest: 2, graphql: 0, notModified: 0 });

    const second = await versions(cache);
    expect(second.listed).toEqual(first.listed);
    expect(second.counts).toEqual({ rest: 2, graphql: 0, notModified: 2 });

    // The next run, from the saved cache: same account only.
    const saved = await cache.save('mlops-reporter[bot]');
    const next = await versions(new ResponseCache().absorb(saved, 'mlops-reporter[bot]'));
    expect(next.counts.notModified).toBe(2);
    const other = await versions(new ResponseCache().absorb(saved, 'someone-else'));
    expect(other.counts.notModified).toBe(0);
    expect(
      (await versions(new ResponseCache().absorb(Buffer.from('junk'), 'x'))).listed,
    ).toHaveLength(150);

    deploy('v150');
    const changed = await versions(cache);
    expect(changed.listed[0]).toBe('v150');
    expect(changed.listed).toHaveLength(151);
    expect(changed.counts.notModified).toBe(0);
    expect(standIns.violations()).toEqual([]);
  });

  it('refuses a write on the read-only client the fleet reads with, before it goes out', async () => {
    const github = await createOctokitAccounts(GitHubApiStandIn.APP_TOKEN, quiet, { env });
    const before = standIns.github.log.length;
    await expect(github.port(repository).createComment(1, 'never sent')).rejects.toThrow(
      /read-only GitHub client was asked to POST/,
    );
    expect(standIns.github.log.length).toBe(before);
  });
});
