/**
 * The registry's behaviour over the in-memory GitHub (test/fakes/github-port.ts): which
 * deployment is the model in an environment, how a promotion is recorded and undone when it
 * cannot finish, how a production release is staged, resumed and published, who approved, and
 * which baseline report compare-metrics trusts. The same paths run against the HTTP stand-in
 * in the bundle tests (test/actions/promote-registry, compare-baseline).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { resolveBaseline } from '../../shared/comparison/baseline.js';
import { canonicalJson, sha256Text } from '../../shared/files/hash.js';
import type { LoadedMetrics } from '../../shared/metrics/report.js';
import { readApprovals } from '../../shared/registry/approvals.js';
import {
  currentAndPrevious,
  DEPLOYMENT_PAYLOAD_FORMAT,
  holdsEnvironment,
  RETIRED_BY_SUITE,
  type DeploymentPayload,
} from '../../shared/registry/github-registry.js';
import {
  publishStagedRelease,
  stageModelRelease,
  type ReleaseFile,
} from '../../shared/registry/model-release.js';
import { recordPromotion } from '../../shared/registry/record-deployment.js';
import { FakeGitHub, GitHubError } from '../fakes/github-port.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { tempDir } from '../helpers/temp-dir.js';

const SHA = 'a'.repeat(40);
let github: FakeGitHub;
let log: ReturnType<typeof recordingRunner>;
beforeEach(() => {
  github = new FakeGitHub();
  log = recordingRunner();
});
const payload = (version: string, extra: Partial<DeploymentPayload> = {}): DeploymentPayload => ({
  format: DEPLOYMENT_PAYLOAD_FORMAT,
  model: 'churn',
  version,
  fingerprint: 'f'.repeat(64),
  metricsDigest: 'd',
  metrics: { accuracy: 0.8 },
  ...extra,
});
const promoteTo = (environment: string, version: string, extra: Partial<DeploymentPayload> = {}) =>
  recordPromotion(github.port(), { environment, sha: SHA, payload: payload(version, extra), log });
const warnings = () =>
  log.log
    .filter((e) => e.level === 'warning')
    .map((e) => e.message)
    .join('\n');

describe("GitHub's auto_inactive rule", () => {
  it('keeps the model in staging when a later job declaring environment: staging succeeds', async () => {
    await promoteTo('staging', 'v1');
    github.environmentJob('staging');
    github.environmentJob('staging');
    const { current } = await currentAndPrevious(github.port(), 'churn', 'staging');
    expect(current?.payload.version).toBe('v1');
    expect(github.deployments[0]!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
  });

  it('still finds a model recorded before promotions were marked production, after GitHub marked it inactive', async () => {
    // As older versions recorded staging: not production_environment, so GitHub retires it.
    const port = github.port();
    const old = await port.createDeployment({
      ref: SHA,
      task: 'model:churn',
      environment: 'staging',
      payload: payload('v0'),
      description: 'churn v0',
      productionEnvironment: false,
    });
    await port.createDeploymentStatus(old.id, { state: 'success', description: 'Promoted' });
    github.environmentJob('staging');
    expect(github.deployments[0]!.statuses.at(-1)?.state).toBe('inactive');
    expect((await currentAndPrevious(port, 'churn', 'staging')).current?.payload.version).toBe(
      'v0',
    );
  });

  it('does not count an inactive the suite set to retire a model, nor a failed one GitHub retired', async () => {
    const port = github.port();
    await promoteTo('staging', 'v1');
    await promoteTo('staging', 'v2');
    await port.createDeploymentStatus(github.deployments[1]!.id, {
      state: 'inactive',
      description: `${RETIRED_BY_SUITE} by a test`,
    });
    expect((await currentAndPrevious(port, 'churn', 'staging')).current?.payload.version).toBe(
      'v1',
    );
    expect(
      holdsEnvironment({
        latest: { state: 'inactive', description: '' },
        states: ['failure', 'inactive'],
      }),
    ).toBe(false);
    expect(
      holdsEnvironment({
        latest: { state: 'inactive', description: '' },
        states: ['in_progress', 'inactive'],
      }),
    ).toBe(false);
    expect(holdsEnvironment(undefined)).toBe(false);
  });
});

describe('what reading the registry costs', () => {
  it('reads 50 promotions, the 10 newest failed, with one listing and one status query', async () => {
    for (let i = 0; i < 40; i++) await promoteTo('production', `v${i}`);
    for (let i = 40; i < 50; i++)
      await recordPromotion(github.port(), {
        environment: 'production',
        sha: SHA,
        payload: payload(`v${i}`),
        log,
        whileInProgress: () => Promise.reject(new Error('upload failed')),
      }).catch(() => undefined);
    github.calls.length = 0;
    const { current, previous } = await currentAndPrevious(github.port(), 'churn', 'production');
    expect([current?.payload.version, previous?.payload.version]).toEqual(['v39', 'v38']);
    expect(github.calls).toEqual(['listDeployments', 'deploymentStatuses']);
  });
});

describe('creating records exactly once', () => {
  it('finds the deployment a create answered with 502 had made, and makes no second one', async () => {
    // GitHub created the deployment, then answered 502: the fake's fault fires after the create.
    const port = github.port();
    const create = port.createDeployment.bind(port);
    let failed = false;
    const flaky = {
      ...port,
      createDeployment: async (...args: Parameters<typeof port.createDeployment>) => {
        const made = await create(...args);
        if (failed) return made;
        failed = true;
        throw new GitHubError(502, 'Bad Gateway');
      },
    };
    await recordPromotion(flaky, {
      environment: 'production',
      sha: SHA,
      payload: payload('v1'),
      log,
    });
    expect(github.deployments).toHaveLength(1);
    expect(github.deployments[0]!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
    expect(warnings()).toMatch(
      /answered 502 while creating the deployment .* checking whether it was created/,
    );
  });

  it('creates again when the 502 came before anything was made', async () => {
    github.inject('createDeployment', new GitHubError(502, 'Bad Gateway'));
    await promoteTo('production', 'v1');
    expect(github.deployments).toHaveLength(1);
    expect(
      (await currentAndPrevious(github.port(), 'churn', 'production')).current?.payload.version,
    ).toBe('v1');
  });
});

describe('recording a promotion', () => {
  it('makes the version the model in the environment, and the one before it the previous', async () => {
    await promoteTo('production', 'v1');
    await promoteTo('production', 'v2');
    await promoteTo('production', 'v2');
    await promoteTo('staging', 'v3');
    const { current, previous } = await currentAndPrevious(github.port(), 'churn', 'production');
    expect([current?.payload.version, previous?.payload.version]).toEqual(['v2', 'v1']);
    expect(github.deployments[0]!.statuses.map((s) => s.state)).toEqual(['in_progress', 'success']);
  });

  it('marks the deployment failed when the promotion cannot finish, so that it never counts', async () => {
    await promoteTo('production', 'v1');
    const failing = recordPromotion(github.port(), {
      environment: 'production',
      sha: SHA,
      payload: payload('v2'),
      log,
      whileInProgress: () => Promise.reject(new Error('release upload failed')),
    });
    await expect(failing).rejects.toThrow('release upload failed');
    expect(github.deployments.at(-1)!.statuses.map((s) => s.state)).toEqual([
      'in_progress',
      'failure',
    ]);
    expect(
      (await currentAndPrevious(github.port(), 'churn', 'production')).current?.payload.version,
    ).toBe('v1');
  });

  it("shortens a long description to GitHub's 140 characters, and refuses a commit that is not a full SHA", async () => {
    await promoteTo('production', 'v1', { overrideReason: 'x' });
    const long = 'm'.repeat(100);
    await recordPromotion(github.port(), {
      environment: 'production',
      sha: SHA,
      payload: { ...payload('v'.repeat(60)), model: long },
      log,
    });
    expect(github.deployments.at(-1)!.statuses.map((s) => s.state)).toEqual([
      'in_progress',
      'success',
    ]);
    expect(github.deployments.at(-1)!.statuses.every((s) => s.description.length <= 140)).toBe(
      true,
    );
    await expect(
      recordPromotion(github.port(), {
        environment: 'production',
        sha: 'main',
        payload: payload('v3'),
        log,
      }),
    ).rejects.toThrow(/must name the exact commit/);
  });
});

describe('the production release', () => {
  async function files(): Promise<ReleaseFile[]> {
    const dir = await tempDir('mlops-release-');
    const file = async (name: string, text: string) => (
      await writeFile(join(dir, name), text),
      { name, path: join(dir, name), contentType: 'application/json' }
    );
    return [
      await file('model-manifest.json', '{}'),
      await file('metrics.json', '{"m": 1}'),
      { ...(await file('model__model.json', '{"w": 1}')), sha256: sha256Text('{"w": 1}') },
    ];
  }
  const release = async () => ({
    model: 'churn',
    version: '111111111111',
    sha: SHA,
    title: 'churn 111111111111',
    body: 'card',
    files: await files(),
  });

  it('is filled as a draft and published last; a re-run after a failure completes the same draft', async () => {
    github.inject('uploadReleaseAsset', new GitHubError(502, 'Bad Gateway'));
    await expect(stageModelRelease(github.port(), await release(), log)).rejects.toThrow(
      'Bad Gateway',
    );
    expect(github.releases).toMatchObject([{ draft: true, assets: [] }]);

    const staged = await stageModelRelease(github.port(), await release(), log);
    expect(github.releases).toHaveLength(1);
    expect(staged.assetUrls.size).toBe(3);
    expect(github.releases[0]!.draft).toBe(true);
    expect(await publishStagedRelease(github.port(), staged, log)).toBe(
      github.releases[0]!.htmlUrl,
    );
    expect(github.releases[0]!.draft).toBe(false);

    const again = await stageModelRelease(github.port(), await release(), log);
    expect(again).toMatchObject({ alreadyPublished: true, id: staged.id });
    expect(github.calls.filter((c) => c === 'uploadReleaseAsset')).toHaveLength(4);
  });

  it('leaves one draft when GitHub created it but answered 502', async () => {
    const port = github.port();
    const create = port.createRelease.bind(port);
    let failed = false;
    const flaky = {
      ...port,
      createRelease: async (...args: Parameters<typeof port.createRelease>) => {
        const made = await create(...args);
        if (failed) return made;
        failed = true;
        throw new GitHubError(502, 'Bad Gateway');
      },
    };
    const staged = await stageModelRelease(flaky, await release(), log);
    expect(github.releases).toHaveLength(1);
    expect(staged.id).toBe(github.releases[0]!.id);
    expect(staged.assetUrls.size).toBe(3);
    expect(warnings()).toMatch(/answered 502 while creating the draft release/);
  });

  it('refuses a model file that changed after it was checked, uploading nothing of it', async () => {
    const changed = await release();
    await writeFile(changed.files[2]!.path, '{"w": 2}');
    await expect(stageModelRelease(github.port(), changed, log)).rejects.toThrow(
      /changed after it was checked against the manifest/,
    );
    expect(github.releases[0]!.assets.map((a) => a.name)).toEqual([
      'model-manifest.json',
      'metrics.json',
    ]);
  });
});

describe('approvals', () => {
  it('reads who approved this environment, and warns without failing when the log cannot be read', async () => {
    github.runReviews.set(5, [
      { login: 'alice', state: 'approved', comment: 'ship it', environments: ['production'] },
      { login: 'bob', state: 'approved', environments: ['staging'] },
      { login: 'carol', state: 'something-new', environments: ['production'] },
    ]);
    expect(await readApprovals(github.port(), '5', 'production', log)).toEqual([
      { login: 'alice', state: 'approved', comment: 'ship it' },
      { login: 'carol', state: 'pending' },
    ]);
    expect(await readApprovals(github.port(), undefined, 'production', log)).toEqual([]);
    github.inject(
      'listRunApprovals',
      new GitHubError(403, 'Resource not accessible by integration'),
    );
    expect(await readApprovals(github.port(), '5', 'production', log)).toEqual([]);
    expect(warnings()).toMatch(/needs "permissions: actions: read"/);
  });
});

describe('the baseline from the registry', () => {
  const report = (accuracy: number) => ({
    format: 'mlops-actions/metrics-report@1',
    model: 'churn',
    version: 'v1',
    metrics: { accuracy: { value: accuracy, ci: [0.78, 0.82], n: 500 } },
  });
  const loadFile = (): Promise<LoadedMetrics> => Promise.reject(new Error('no file here'));
  const resolve = (history = 1) =>
    resolveBaseline({
      model: 'churn',
      environment: 'production',
      registry: github.port(),
      history,
      log,
      loadFile,
    });
  async function asset(content: unknown): Promise<string> {
    const port = github.port();
    const created = await port.createRelease({
      tag: `churn@${github.releases.length}`,
      targetCommitish: SHA,
      name: 'r',
      body: '',
      draft: false,
    });
    return (
      await port.uploadReleaseAsset(created, {
        name: 'metrics.json',
        contentType: 'application/json',
        bytes: Buffer.from(JSON.stringify(content)),
      })
    ).url;
  }

  it('uses the full report a deployment records when it is an asset of this repository matching its digest', async () => {
    await promoteTo('production', 'v1', {
      metricsUrl: await asset(report(0.8)),
      metricsDigest: sha256Text(canonicalJson({ accuracy: 0.8 })),
    });
    const resolved = await resolve();
    expect(resolved.source).toMatchObject({ kind: 'registry', report: 'fetched' });
    expect(resolved.metrics?.metrics.accuracy).toMatchObject({
      value: 0.8,
      ci: [0.78, 0.82],
      n: 500,
    });
  });

  it('falls back to the payload for a report that does not match, or lies elsewhere, without fetching the latter', async () => {
    await promoteTo('production', 'v1', {
      metricsUrl: await asset(report(0.99)),
      metricsDigest: sha256Text(canonicalJson({ accuracy: 0.8 })),
    });
    expect((await resolve()).source).toMatchObject({ report: 'unavailable' });
    expect(warnings()).toMatch(/is not the one deployment \d+ recorded/);
    await promoteTo('production', 'v2', { metricsUrl: 'https://evil.example/metrics.json' });
    github.calls.length = 0;
    const foreign = await resolve();
    expect(foreign.metrics?.metrics.accuracy).toEqual({ value: 0.8 });
    expect(github.calls).not.toContain('downloadReleaseAsset');
    expect(warnings()).toMatch(/which is not a release asset of Codertocat\/Hello-World/);
  });

  it('charts the recent versions once each, and compares without a baseline when deployments cannot be read', async () => {
    for (const [version, accuracy] of [
      ['h1', 0.7],
      ['h2', 0.74],
      ['h2', 0.74],
      ['h3', 0.76],
    ] as const)
      await promoteTo('production', version, { metrics: { accuracy } });
    expect((await resolve(4)).history.map((h) => h.version)).toEqual(['h1', 'h2', 'h3']);
    github.inject(
      'listDeployments',
      new GitHubError(403, 'Resource not accessible by integration'),
    );
    expect((await resolve()).source).toMatchObject({
      kind: 'none',
      reason: expect.stringMatching(/lacks deployments: read/),
    });
  });
});
