/**
 * monitor-model's bundle against the REST stand-in, as a scheduled workflow runs it after a real
 * release: train-model trains the churn model, validate-data profiles its training data,
 * promote-model puts it in production with that profile (kept in its Release), and the monitor
 * reads the profile back through the API. A drifted window opens the model's one issue and
 * dispatches retraining; a second updates the issue within the cool-down; a steady one closes it.
 * The logic in more cases, in process: test/actions-in-process/monitor-model.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { StandIns } from '../../harness/stand-ins/index.js';
import { monitorReportSchema } from '../../shared/monitor/monitor-report.js';
import { servingWindows } from '../helpers/serving-windows.js';
import { exampleWorkspace, expectUserError, run, trainedByBundle } from './workspace.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const job = await exampleWorkspace();
const SCHEDULE = { name: 'schedule', payload: { schedule: '0 6 * * *' } };

/** The release: trained, profiled and promoted to production by the bundles. */
async function release() {
  const model = await trainedByBundle(job, standIns);
  const profiled = await run(
    'validate-data',
    job,
    { data: 'data/train.csv', schema: 'examples/churn/schema.yaml', profile: 'train-profile.json' },
    { standIns },
  );
  expect(profiled.exitCode, profiled.stdout).toBe(0);
  const promoted = await run(
    'promote-model',
    job,
    {
      'model-name': 'churn',
      environment: 'production',
      manifest: model.manifest,
      metrics: model.metrics,
      gates: 'examples/churn/gates.yaml',
      profile: 'train-profile.json',
    },
    { standIns },
  );
  expect(promoted.exitCode, promoted.stdout + promoted.stderr).toBe(0);
  return { ...model, windows: servingWindows(job.workspace, { train: false }) };
}
const released = release();

let runId = 7000;
/** A scheduled run of the monitor (each run its own run id, as the issue keeps one entry per run). */
const monitor = (data: string, inputs: Record<string, string> = {}) =>
  run(
    'monitor-model',
    job,
    {
      'model-name': 'churn',
      data,
      policy: 'examples/churn/gates.yaml',
      'reference-predictions': 'model/predictions.csv',
      task: 'binary',
      'score-columns': 'score',
      retrain: 'retrain.yml',
      ...inputs,
    },
    { standIns, event: SCHEDULE, env: { GITHUB_RUN_ID: String(runId++) } },
  );
const ourIssues = () =>
  standIns.github.issues.filter((i) =>
    String(i.body ?? '').startsWith(
      '<!-- mlops-actions:monitor model=churn environment=production -->',
    ),
  );

describe('the monitor-model bundle', () => {
  const retrain = standIns.github.seedWorkflow({
    path: '.github/workflows/retrain.yml',
    dispatchInputs: ['model-name', 'environment', 'reason'],
  });
  const dispatched = () =>
    standIns.github.runs.filter(
      (r) => r.workflow_id === retrain && r.event === 'workflow_dispatch',
    );

  it('opens one issue and dispatches retraining for a drifted window, against the profile in the Release', async () => {
    const { windows, version } = await released;
    const result = await monitor(windows.shifted);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.status).toBe('drifting');
    const report = monitorReportSchema.parse(
      JSON.parse(await readFile(result.outputs.report!, 'utf8')),
    );
    expect(report.deployed?.version).toBe(version);
    expect(report.drift.features.map((f) => f.name).sort()).toEqual([
      'contract',
      'monthly_charges',
      'support_calls',
      'tenure_months',
    ]);
    expect(ourIssues()).toHaveLength(1);
    expect(result.outputs['issue-url']).toBe(ourIssues()[0]!.html_url);
    expect(result.outputs['retrain-dispatched']).toBe('true');
    expect(dispatched()).toHaveLength(1);
    expect(result.summary).toContain('## `churn` in `production`: 🟠 drifting');
  });

  it('updates that issue on the next drifted run, and dispatches nothing within the cool-down', async () => {
    const { windows } = await released;
    const result = await monitor(windows.shifted);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(ourIssues()).toHaveLength(1);
    expect(String(ourIssues()[0]!.body)).toContain('### Across the last 2 runs');
    expect(result.outputs['retrain-dispatched']).toBe('false');
    expect(dispatched()).toHaveLength(1);
  });

  it('closes the issue when a steady window is healthy again', async () => {
    const { windows } = await released;
    const result = await monitor(windows.steady);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.outputs.status, result.summary).toBe('healthy');
    expect(ourIssues()[0]!.state).toBe('closed');
    expect(result.outputs['retrain-dispatched']).toBe('false');
  });

  it('says how to give a reference when the environment has no model', async () => {
    const { windows } = await released;
    const result = await monitor(windows.steady, { environment: 'staging', retrain: '' });
    expectUserError(result, /No model "churn" is in the environment "staging".*give "reference"/);
  });
});
