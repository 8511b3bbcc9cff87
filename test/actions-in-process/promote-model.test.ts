import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { promoteModel } from '../../actions/promote-model/src/run.js';
import { actionMetadata } from '../../harness/runner/run-bundle.js';
import { escapeMarkdown } from '../../shared/markdown/escape.js';
import { parsePayload } from '../../shared/registry/github-registry.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { trainedCandidate } from '../helpers/trained-candidate.js';
import { runInProcess } from '../helpers/in-process.js';

// The artifact and cache services are the stand-ins'; the action's GitHub is the fake.
const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const github = new FakeGitHub();
const job = await exampleWorkspace();

/** A trained model (trained in process too) with a metrics report of the given accuracy. */
const candidate = (seed: string, accuracy: number) =>
  trainedCandidate(job, standIns, seed, accuracy);
const promote = (inputs: Record<string, string>) =>
  runInProcess(promoteModel, {
    ...job,
    standIns,
    github,
    inputs: { 'model-name': 'churn', gates: 'examples/churn/gates.yaml', ...inputs },
  });
const deploymentsTo = (environment: string) =>
  github.deployments.filter((d) => d.environment === environment);

describe('promote-model run()', () => {
  const v1 = candidate('1', 0.8);

  it('records a promotion as a deployment, sets every output and the summary', async () => {
    const model = await v1;
    const result = await promote({
      environment: 'staging',
      manifest: model.manifest,
      metrics: model.metrics,
    });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(
      Object.keys((await actionMetadata('promote-model')).outputs).sort(),
    );
    const [deployment] = deploymentsTo('staging');
    expect(deployment).toMatchObject({
      task: 'model:churn',
      environment: 'staging',
      payload: { version: model.version, metrics: { accuracy: 0.8 } },
    });
    expect(result.outputs).toMatchObject({
      version: model.version,
      'previous-version': '',
      'deployment-id': String(deployment!.id),
      'release-url': '',
    });
    expect(result.outputs.record!.startsWith(job.runnerTemp)).toBe(true);
    expect(result.summary).toContain(
      (deployment!.payload as { comparisonDigest: string }).comparisonDigest,
    );
  });

  it('records nothing on a re-run of the same version', async () => {
    const model = await v1;
    const before = github.writes().length;
    const rerun = await promote({
      environment: 'staging',
      manifest: model.manifest,
      metrics: model.metrics,
    });
    expect(rerun.exitCode, rerun.errors.join()).toBe(0);
    expect(github.writes().length).toBe(before);
    expect(rerun.summary).toBe('');
  });

  it('refuses a candidate worse than the model in the environment, and names the version before', async () => {
    const worse = await candidate('2', 0.7);
    const refused = await promote({
      environment: 'staging',
      manifest: worse.manifest,
      metrics: worse.metrics,
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors.at(-1)).toMatch(
      /^Refusing to promote churn \w+ to staging: it fails its gates against \w+, the model in staging now: accuracy: it got worse by 0\.1, more than the tolerated 0\.02\. Nothing was recorded/,
    );
    expect(deploymentsTo('staging')).toHaveLength(1);
    const better = await candidate('3', 0.9);
    const promoted = await promote({
      environment: 'staging',
      manifest: better.manifest,
      metrics: better.metrics,
    });
    expect(promoted.outputs['previous-version']).toBe((await v1).version);
  });

  it('refuses a gated metric the report could not compute, giving the reason it gives', async () => {
    const model = await candidate('4', 0.9);
    const reason = 'Only one class present in y_true. ROC AUC score is not defined in that case.';
    await job.write(
      'metrics-4.json',
      JSON.stringify({
        ...JSON.parse(await readFile(join(job.workspace, model.metrics), 'utf8')),
        skipped: { roc_auc: reason },
      }),
    );
    const gates = await job.write(
      'gates-roc.yaml',
      'metrics:\n  roc_auc: {direction: higher, min: 0.7, level: fail}\n',
    );
    const refused = await promote({
      environment: 'audit',
      manifest: model.manifest,
      metrics: model.metrics,
      gates,
    });
    expect(refused.exitCode).toBe(1);
    expect(refused.errors.at(-1)).toContain(`roc_auc: not computed: ${reason}`);
    expect(deploymentsTo('audit')).toEqual([]);
  });

  it("records the manifest's owner in the payload and the model card; a hostile handle read back is dropped", async () => {
    await job.write('.github/CODEOWNERS', '* @octo-org/ml-platform\n');
    const model = await candidate('5', 0.9).finally(() =>
      rm(join(job.workspace, '.github'), { recursive: true, force: true }),
    );
    const result = await promote({
      environment: 'production',
      manifest: model.manifest,
      metrics: model.metrics,
    });
    expect(result.exitCode, result.errors.join()).toBe(0);
    const [deployment] = deploymentsTo('production');
    expect(deployment!.payload).toMatchObject({ owner: ['@octo-org/ml-platform'] });
    expect(parsePayload(deployment!.payload)?.owner).toEqual(['@octo-org/ml-platform']);
    const hostile = parsePayload({ ...(deployment!.payload as object), owner: ['@ok', '<img>'] });
    expect(hostile).toMatchObject({ version: model.version });
    expect(hostile?.owner).toBeUndefined();
    const [release] = github.releases.filter((r) => r.tag === `churn@${model.version}`);
    // Escaped as the card escapes text: a release must not notify the owner on every promotion.
    expect(github.releaseRequests.get(release!.id)?.body).toContain(
      `| Owner | ${escapeMarkdown('@octo-org/ml-platform')} (from \`.github/CODEOWNERS\` line 1) |`,
    );
  });

  it.each([
    [
      'a manifest and an artifact',
      { manifest: 'm.json', artifact: 'model-churn-1', metrics: 'x.json' },
      /^Give either "manifest" or "artifact", not both/,
    ],
    [
      'a manifest without metrics',
      { manifest: 'm.json' },
      /^Input "metrics" is required when the model comes from "manifest"/,
    ],
    ['no model at all', {}, /^Give "manifest" \(a path from train-model in this job\), "artifact"/],
    [
      'a run id that is not a number',
      { 'run-id': 'abc' },
      /input "run-id" must be the numeric id of a workflow run/,
    ],
    [
      'an approved digest given to the check before the approval',
      {
        manifest: 'm.json',
        metrics: 'x.json',
        'dry-run': 'true',
        'approved-digest': `sha256:${'a'.repeat(64)}`,
      },
      /^Give "approved-digest" to the promotion after the approval, not to the check before it/,
    ],
    [
      'an approved digest that is not a comparison digest',
      { manifest: 'm.json', metrics: 'x.json', 'approved-digest': 'a'.repeat(64) },
      /input "approved-digest" must be the comparison-digest output of the promote-model check before the approval/,
    ],
    [
      'a metrics file outside the workspace',
      { manifest: 'm.json', metrics: '../x.json' },
      /metrics file "\.\.\/x\.json".*outside/i,
    ],
  ])('ends with a clear error on %s', async (_case, inputs, pattern) => {
    const result = await promote({ environment: 'staging', ...inputs });
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(pattern);
    expect(result.errors.join()).not.toMatch(/bug in mlops-actions/);
  });
});
