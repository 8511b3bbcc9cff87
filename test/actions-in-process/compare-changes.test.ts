/**
 * compare-metrics' "What changed" (config, data, environment since production, from the two
 * lineage manifests), its cost line, and when it writes the comment (`comment` modes and
 * `mention`), here and in the fork's posting workflow (comment-from-run).
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compareMetrics } from '../../actions/compare-metrics/src/run.js';
import { evaluateModel } from '../../actions/evaluate-model/src/run.js';
import { pullRequestEvent, workflowRunEvent } from '../../harness/runner/events.js';
import { sharedStandIns } from '../../harness/stand-ins/index.js';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { runInProcess, type InProcessOptions } from '../helpers/in-process.js';
import { validManifest } from '../shared/manifest-template.js';

const standIns = await sharedStandIns();
const github = new FakeGitHub();
const job = await exampleWorkspace();
await job.write('gates.yaml', 'metrics:\n  accuracy: {direction: higher, max-regression: 0.02}\n');
await job.write('cand.json', JSON.stringify({ accuracy: 0.81 }));
await job.write('cand-worse.json', JSON.stringify({ accuracy: 0.7 }));
await job.write('cand-other.json', JSON.stringify({ accuracy: 0.82 }));
await job.write('base.json', JSON.stringify({ accuracy: 0.8 }));

const sha = (c: string) => c.repeat(64);
const packages = (list: [string, string][]) => list.map(([name, version]) => ({ name, version }));
const production = {
  ...validManifest(),
  model: { name: 'churn', version: 'bbbbbbbbbbbb' },
  fingerprint: sha('b'),
  config: {
    ...validManifest().config,
    values: { 'model.max_depth': '6', 'model.criterion': '"gini"', 'old.param': '1', same: '1' },
  },
  data: [
    { path: 'data/train.csv', sha256: sha('1') },
    { path: 'data/eval.csv', sha256: sha('2') },
  ],
  runtime: {
    python: {
      version: '3.11.4',
      packages: packages([
        ['numpy', '1.26.4'],
        ['scikit-learn', '1.4.2'],
        ['left-pad', '1.0'],
      ]),
    },
  },
};
const candidate = {
  ...production,
  model: { name: 'churn', version: 'cccccccccccc' },
  fingerprint: sha('c'),
  config: {
    ...production.config,
    values: {
      'model.max_depth': '8',
      'model.criterion': '"gini"',
      'new.param': '"@octocat <b>x</b> | y"',
      same: '1',
      // A pull request's manifest holding a raw secret: masked again before it is shown.
      'db.password': '"hunter2"',
    },
  },
  data: [
    { path: 'data/train.csv', sha256: sha('3') },
    { path: 'data/eval.csv', sha256: sha('2') },
  ],
  runtime: {
    python: {
      version: '3.12.1',
      packages: packages([
        ['NumPy', '2.0.0'],
        ['scikit_learn', '1.4.2'],
        ['pandas', '2.2.0'],
      ]),
    },
  },
  training: {
    startedAt: '2026-01-01T00:00:00.000Z',
    durationSeconds: 95,
    restoredFrom: {
      runUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/41',
      startedAt: '2026-01-01T00:00:00.000Z',
      restoreSeconds: 1.5,
    },
  },
};
await job.write('candidate-manifest.json', JSON.stringify(candidate));
await job.write('production-manifest.json', JSON.stringify(production));

let nextPullRequest = 900;
const pullRequest = (number = nextPullRequest++) => ({
  number,
  event: { name: 'pull_request', payload: pullRequestEvent({ number }) },
});

const compare = (inputs: Record<string, string>, options: Partial<InProcessOptions> = {}) =>
  runInProcess(compareMetrics, {
    ...job,
    standIns,
    github,
    inputs: {
      'model-name': 'churn',
      metrics: 'cand.json',
      baseline: 'base.json',
      gates: 'gates.yaml',
      'gates-from': 'workspace',
      ...inputs,
    },
    ...options,
  });

const commentsOn = (issueNumber: number) =>
  github.comments.filter((comment) => comment.issueNumber === issueNumber);

describe('what changed since production', () => {
  it('lists the config keys, data files and environment that differ, from the two manifests, secrets hidden and hostile text inert', async () => {
    const result = await compare(
      { manifest: 'candidate-manifest.json', 'baseline-manifest': 'production-manifest.json' },
      { event: pullRequest().event },
    );
    expect(result.exitCode, result.errors.join()).toBe(0);
    const document = JSON.parse(await readFile(result.outputs.report!, 'utf8'));
    expect(document.changes).toEqual({
      against: { version: 'bbbbbbbbbbbb', source: 'file' },
      config: {
        changed: { items: [{ key: 'model.max_depth', from: '6', to: '8' }], total: 1 },
        added: {
          items: [
            { key: 'db.password', value: '(hidden)' },
            { key: 'new.param', value: '"@octocat <b>x</b> | y"' },
          ],
          total: 2,
        },
        removed: { items: [{ key: 'old.param', value: '1' }], total: 1 },
        hidden: 0,
        unchanged: 2,
        partial: false,
      },
      data: {
        changed: { items: ['data/train.csv'], total: 1 },
        added: { items: [], total: 0 },
        removed: { items: [], total: 0 },
        unchanged: 1,
      },
      environment: {
        changed: [{ key: 'Python', from: '3.11.4', to: '3.12.1' }],
        packages: {
          changed: { items: [{ key: 'NumPy', from: '1.26.4', to: '2.0.0' }], total: 1 },
          added: { items: [{ key: 'pandas', value: '2.2.0' }], total: 1 },
          removed: { items: [{ key: 'left-pad', value: '1.0' }], total: 1 },
        },
      },
    });
    const comment = commentsOn(nextPullRequest - 1)[0]!.body;
    for (const text of [result.summary, comment]) {
      expect(text).toContain('**What changed since `bbbbbbbbbbbb`**');
      expect(text).toContain('| `model.max_depth` | `6` | `8` |');
      expect(text).toContain('| `old.param` ➖ | `1` | — |');
      expect(text).toContain('**Config:** 1 changed, 2 added, 1 removed, 2 unchanged.');
      expect(text).toContain('**Data:** 1 changed (`data/train.csv`); 1 unchanged.');
      expect(text).toContain(
        '**Environment:** Python `3.11.4` → `3.12.1`; packages: `NumPy` `1.26.4` → `2.0.0`; 1 added, 1 removed.',
      );
      expect(text).toMatch(
        /\*\*Cost:\*\* training restored from the cache of \[an earlier run\]\(https:\/\/github\.com\/Codertocat\/Hello-World\/actions\/runs\/41\) in 1\.5 s, saving 95\.0 s · comparison (< 0\.1|\d+\.\d) s/,
      );
      expect(text).not.toContain('hunter2');
      // Inside a code span: markup is shown as text, the mention notifies nobody, the pipe is escaped.
      expect(text).toContain('| `"@\u200Boctocat <b>x</b> \\| y"` |');
      expect(text).not.toMatch(/@octocat/);
    }
  });

  it("reads production's manifest from its Release, only when it is that deployment's", async () => {
    const port = github.port();
    const publish = async (version: string, manifest: object) => {
      const release = await port.createRelease({
        tag: `churn@${version}`,
        targetCommitish: 'f'.repeat(40),
        name: `churn ${version}`,
        body: '',
        draft: true,
      });
      await port.uploadReleaseAsset(release, {
        name: 'model-manifest.json',
        contentType: 'application/json',
        bytes: Buffer.from(JSON.stringify(manifest)),
      });
      await port.updateRelease(release.id, { draft: false });
      const deployment = await port.createDeployment({
        ref: 'f'.repeat(40),
        task: 'model:churn',
        environment: 'production',
        description: `churn ${version}`,
        productionEnvironment: true,
        payload: {
          format: DEPLOYMENT_PAYLOAD_FORMAT,
          model: 'churn',
          version,
          fingerprint: sha('b'),
          metricsDigest: 'd',
          metrics: { accuracy: 0.8 },
          release: `churn@${version}`,
        },
      });
      await port.createDeploymentStatus(deployment.id, { state: 'success', description: 'ok' });
    };
    await publish('bbbbbbbbbbbb', production);
    const fromRelease = await compare(
      { baseline: '', manifest: 'candidate-manifest.json', comment: 'never' },
      { event: pullRequest().event },
    );
    expect(fromRelease.exitCode, fromRelease.errors.join()).toBe(0);
    const document = JSON.parse(await readFile(fromRelease.outputs.report!, 'utf8'));
    expect(document.changes.against).toEqual({ version: 'bbbbbbbbbbbb', source: 'release' });
    expect(document.changes.config.changed.items).toEqual([
      { key: 'model.max_depth', from: '6', to: '8' },
    ]);

    // A Release whose manifest is not the deployment's (another fingerprint) is not used.
    await publish('dddddddddddd', { ...production, fingerprint: sha('d') });
    const mismatched = await compare(
      { baseline: '', manifest: 'candidate-manifest.json', comment: 'never' },
      { event: pullRequest().event },
    );
    expect(mismatched.exitCode, mismatched.errors.join()).toBe(0);
    expect(JSON.parse(await readFile(mismatched.outputs.report!, 'utf8')).changes).toBeUndefined();
    expect(mismatched.warnings.join('\n')).toMatch(
      /The model-manifest\.json of release churn@dddddddddddd is not the manifest of deployment \d+/,
    );
  });

  it('adds the evaluation time a metrics report records to the cost line', async () => {
    await job.write(
      'cand-report.json',
      JSON.stringify({
        format: 'mlops-actions/metrics-report@1',
        model: 'churn',
        evaluation: {
          predictions: 'p.csv',
          predictionsSha256: 'a',
          dataSha256: 'b',
          rows: 10,
          seconds: 3.25,
        },
        metrics: { accuracy: { value: 0.81 } },
        slices: {},
      }),
    );
    const result = await compare({ metrics: 'cand-report.json', comment: 'never' });
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(result.summary).toMatch(
      /\*\*Cost:\*\* evaluation 3\.3 s · comparison (< 0\.1|\d+\.\d) s\n/,
    );
  });

  it('reads the evaluation time evaluate-model recorded while it computed the metrics', async () => {
    await job.write(
      'predictions.csv',
      'label,prediction\n' +
        Array.from({ length: 40 }, (_, i) => `${i % 2},${i % 3 ? 1 : 0}`).join('\n'),
    );
    const evaluated = await runInProcess(evaluateModel, {
      ...job,
      inputs: { 'model-name': 'churn', predictions: 'predictions.csv', task: 'binary' },
    });
    expect(evaluated.exitCode, evaluated.errors.join()).toBe(0);
    const report = JSON.parse(await readFile(evaluated.outputs.metrics!, 'utf8'));
    expect(report.evaluation.seconds).toBeGreaterThan(0);
    const result = await compare({ metrics: evaluated.outputs.metrics!, comment: 'never' });
    expect(result.summary).toMatch(/\*\*Cost:\*\* evaluation (< 0\.1|\d+\.\d) s · comparison/);
  });

  it('refuses a baseline manifest of another model', async () => {
    await job.write(
      'other-manifest.json',
      JSON.stringify({ ...production, model: { name: 'other', version: 'bbbbbbbbbbbb' } }),
    );
    const result = await compare(
      { manifest: 'candidate-manifest.json', 'baseline-manifest': 'other-manifest.json' },
      { event: pullRequest().event },
    );
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(
      /The baseline manifest "other-manifest.json" is for model "other", not "churn"/,
    );
  });
});

describe('comment modes', () => {
  it('on-regression: nothing on a pass, a comment with the mentions on a failure, updated when it passes again', async () => {
    const { number, event } = pullRequest();
    const mention = '@octocat\n@Codertocat/reviewers';
    const pass = await compare({ comment: 'on-regression', mention }, { event });
    expect(pass.exitCode, pass.errors.join()).toBe(0);
    expect(pass.outputs['comment-url']).toBe('');
    expect(commentsOn(number)).toEqual([]);
    expect(pass.summary).toContain('passes its gates');
    expect(pass.runner.log.map((entry) => entry.message).join('\n')).toMatch(
      /No comment was written on the pull request: comment is "on-regression", the verdict is pass/,
    );

    const fail = await compare(
      {
        comment: 'on-regression',
        mention,
        metrics: 'cand-worse.json',
        'fail-on-regression': 'false',
      },
      { event },
    );
    expect(fail.outputs.verdict).toBe('fail');
    expect(commentsOn(number)).toHaveLength(1);
    expect(commentsOn(number)[0]!.body).toContain('\ncc @octocat @Codertocat/reviewers\n');
    expect(fail.summary).not.toContain('cc @octocat');

    const passAgain = await compare({ comment: 'on-regression', mention }, { event });
    expect(passAgain.outputs['comment-url']).toBe(commentsOn(number)[0]!.htmlUrl);
    const body = commentsOn(number)[0]!.body;
    expect(body).toContain('passes its gates');
    expect(body).not.toContain('fails its gates');
    expect(body).not.toContain('cc @octocat');
  });

  it('on-change: writes the first time and when a value changes, not when only the run differs', async () => {
    const { number, event } = pullRequest();
    await compare({ comment: 'on-change' }, { event });
    const first = commentsOn(number)[0]!.body;
    const same = await compare(
      { comment: 'on-change' },
      { event, env: { GITHUB_SHA: 'e'.repeat(40), GITHUB_RUN_ID: '555' } },
    );
    expect(same.outputs['comment-url']).toBe('');
    expect(commentsOn(number)[0]!.body).toBe(first);
    const changed = await compare(
      { comment: 'on-change', metrics: 'cand-other.json' },
      { event, env: { GITHUB_RUN_ID: '556' } },
    );
    expect(changed.outputs['comment-url']).toBe(commentsOn(number)[0]!.htmlUrl);
    expect(commentsOn(number)[0]!.body).toContain('0.82');
    expect(commentsOn(number)).toHaveLength(1);
  });

  it('never (or false) writes no comment; always (or true) writes one on every run', async () => {
    for (const comment of ['never', 'false']) {
      const { number, event } = pullRequest();
      const result = await compare({ comment }, { event });
      expect(result.exitCode, result.errors.join()).toBe(0);
      expect(commentsOn(number)).toEqual([]);
      expect(result.summary).toContain('passes its gates');
    }
    for (const comment of ['always', 'true']) {
      const { number, event } = pullRequest();
      await compare({ comment }, { event });
      expect(commentsOn(number)).toHaveLength(1);
    }
  });

  it("honours the posting workflow's own mode and mentions in comment-from-run", async () => {
    const head = 'a'.repeat(40);
    for (const [runId, metrics, expected] of [
      [7101, 'cand.json', 0],
      [7102, 'cand-worse.json', 1],
    ] as const) {
      const number = nextPullRequest++;
      standIns.newRun();
      standIns.publishRun(runId);
      github.pullRequests.set(number, { headSha: head });
      const fork = {
        name: 'pull_request',
        payload: pullRequestEvent({ number, headSha: head, fork: true }),
      };
      const handed = await compare(
        { metrics, 'fail-on-regression': 'false' },
        { token: 'read-only', event: fork, env: { GITHUB_RUN_ID: String(runId) } },
      );
      expect(handed.outputs['comment-artifact']).toBe('compare-metrics-comment-churn-attempt-1');
      standIns.newRun();
      const posted = await runInProcess(compareMetrics, {
        ...job,
        standIns,
        github,
        inputs: {
          'model-name': 'churn',
          'comment-from-run': String(runId),
          comment: 'on-regression',
          mention: '@octocat',
        },
        event: { name: 'workflow_run', payload: workflowRunEvent({ id: runId, headSha: head }) },
        env: { GITHUB_RUN_ID: String(runId + 500) },
      });
      expect(posted.errors).toEqual([]);
      expect(commentsOn(number)).toHaveLength(expected);
      if (expected) expect(commentsOn(number)[0]!.body).toContain('\ncc @octocat\n');
      else expect(posted.outputs['comment-url']).toBe('');
    }
  });

  it.each([
    [
      'a mode that does not exist',
      { comment: 'sometimes' },
      /input "comment" must be one of always, on-change, on-regression, never; got "sometimes"/,
    ],
    [
      'a handle without its @',
      { mention: 'octocat' },
      /input "mention" must list GitHub users as @login and teams as @org\/team-slug; got "octocat"/,
    ],
    ['a handle with markup', { mention: '@a<b>' }, /input "mention" must list GitHub users/],
    ['a nested team path', { mention: '@org/team/x' }, /input "mention" must list GitHub users/],
  ])('ends with a clear error on %s', async (_case, inputs, pattern) => {
    const result = await compare(inputs, { event: pullRequest().event });
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(pattern);
  });
});
