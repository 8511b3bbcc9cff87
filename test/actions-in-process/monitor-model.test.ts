/**
 * monitor-model in process, on the in-memory GitHub: the churn example's model watched over
 * windows of serving data. A shifted window opens the model's one monitor issue and dispatches
 * retraining; the next updates the issue and keeps the cool-down; a steady window closes it.
 * The bundle over the REST stand-in is test/actions/monitor-model.test.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { monitorModel } from '../../actions/monitor-model/src/run.js';
import { validateData } from '../../actions/validate-data/src/run.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { monitorReportSchema } from '../../shared/monitor/monitor-report.js';
import { monitorStatusKey, readMonitorStatuses } from '../../shared/monitor/monitor-status.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { expectUserError, runInProcess } from '../helpers/in-process.js';
import { servingWindows } from '../helpers/serving-windows.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const github = new FakeGitHub(standIns.github.url);
// The action reads the cool-down against its own clock: GitHub stamps runs with the same time.
github.setClock(new Date());
const job = await exampleWorkspace();
const windows = servingWindows(job.workspace);
const profiled = await runInProcess(validateData, {
  ...job,
  standIns,
  inputs: {
    data: 'data/train.csv',
    schema: 'examples/churn/schema.yaml',
    profile: 'reference/train-profile.json',
  },
});
const RETRAIN = github.seedWorkflow({
  path: '.github/workflows/retrain.yml',
  dispatchInputs: ['model-name', 'environment', 'reason'],
});

/** Each monitor run is a scheduled run of its own (the issue keeps one entry per run). */
let runId = 9000;
const monitor = (inputs: Record<string, string>) =>
  runInProcess(monitorModel, {
    ...job,
    standIns,
    github,
    env: { GITHUB_RUN_ID: String(runId++) },
    // The daily schedule of examples/workflows/monitor.yml: it runs on the default branch.
    event: { name: 'schedule', payload: { schedule: '0 6 * * *' } },
    inputs: {
      'model-name': 'churn',
      reference: 'reference/train-profile.json',
      'reference-predictions': windows.evaluation,
      task: 'binary',
      'score-columns': 'score',
      retrain: 'retrain.yml',
      ...inputs,
    },
  });
const ourIssues = () =>
  github.issues.filter((i) => i.body?.includes('mlops-actions:monitor model=churn'));

describe('monitor-model watches the model in production', () => {
  it('profiled the training data with the roles of its schema', async () => {
    expect(profiled.exitCode, profiled.errors.join('\n')).toBe(0);
    const profile = JSON.parse(
      await readFile(join(job.workspace, 'reference/train-profile.json'), 'utf8'),
    ) as { columns: { name: string; role?: string }[] };
    const roles = Object.fromEntries(profile.columns.map((c) => [c.name, c.role]));
    // examples/churn/schema.yaml: customer_id is an id, churned the target, the rest unset.
    expect(roles).toMatchObject({ customer_id: 'id', churned: 'target', tenure_months: undefined });
  });

  it('finds a shifted window drifting, opens one issue and dispatches retraining', async () => {
    const result = await monitor({ data: windows.shifted });
    expect(result.exitCode, result.errors.join('\n')).toBe(0);
    expect(result.outputs.status).toBe('drifting');
    const drifted = JSON.parse(result.outputs['drifted-features']!) as string[];
    expect(drifted).toEqual(
      expect.arrayContaining(['monthly_charges', 'tenure_months', 'contract']),
    );
    // Identifier, date and label are not the model's inputs (their roles in the schema).
    expect(drifted).not.toContain('customer_id');
    const report = monitorReportSchema.parse(
      JSON.parse(await readFile(result.outputs.report!, 'utf8')),
    );
    expect(report.drift.features.map((f) => f.name).sort()).toEqual([
      'contract',
      'monthly_charges',
      'support_calls',
      'tenure_months',
    ]);
    expect(report.predictionDrift?.features.map((f) => f.name).sort()).toEqual([
      'prediction',
      'score',
    ]);
    expect(report.performance).toMatchObject({
      source: 'estimate',
      method: 'cbpe',
      calibrated: true,
    });
    expect(ourIssues()).toHaveLength(1);
    const issue = ourIssues()[0]!;
    expect(issue.state).toBe('open');
    expect(issue.title).toBe('Model churn in production: drifting');
    expect(issue.labels).toEqual(['model-monitoring']);
    expect(result.outputs['issue-url']).toBe(issue.htmlUrl);
    expect(result.outputs['retrain-dispatched']).toBe('true');
    const runs = github.runs.filter((r) => r.workflowId === RETRAIN);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.inputs).toMatchObject({ 'model-name': 'churn', environment: 'production' });
    expect(runs[0]!.inputs?.reason).toMatch(/^drifting: 3 of 4 features drift/);
    expect(result.summary).toContain('## `churn` in `production`: 🟠 drifting');
    expect(result.summary).toContain(
      '**Retraining**: `retrain.yml` dispatched with the reasons above.',
    );
  });

  it('updates the same issue on the next run, with both runs charted, and keeps the cool-down', async () => {
    const result = await monitor({ data: windows.shifted });
    expect(result.outputs.status).toBe('drifting');
    expect(ourIssues()).toHaveLength(1);
    expect(ourIssues()[0]!.body).toContain('### Across the last 2 runs');
    expect(result.outputs['retrain-dispatched']).toBe('false');
    expect(github.runs.filter((r) => r.workflowId === RETRAIN)).toHaveLength(1);
    expect(result.summary).toMatch(/not dispatched; retraining was already dispatched/);
  });

  it('measures the performance on labels when the window has them', async () => {
    const result = await monitor({ data: windows.shiftedLabelled, issue: 'never', retrain: '' });
    const report = monitorReportSchema.parse(
      JSON.parse(await readFile(result.outputs.report!, 'utf8')),
    );
    expect(report.performance.source).toBe('labels');
    expect(report.performance.source === 'labels' && report.performance.rows).toBe(1500);
  });

  it('closes the issue with a comment when a steady window comes back healthy', async () => {
    const result = await monitor({ data: windows.steady });
    expect(result.exitCode, result.errors.join('\n')).toBe(0);
    expect(result.outputs.status).toBe('healthy');
    const issue = ourIssues()[0]!;
    expect(issue.state).toBe('closed');
    const comments = github.comments.filter((c) => c.issueNumber === issue.number);
    expect(comments.at(-1)?.body).toMatch(/healthy again/);
    expect(result.outputs['retrain-dispatched']).toBe('false');
  });

  it('judges a window given as the profiles of shards, merged, as it judges the rows', async () => {
    // A job matrix: each shard of the export validated and profiled on its own.
    const [header, ...rows] = (await readFile(join(job.workspace, windows.shifted), 'utf8'))
      .trim()
      .split('\n');
    await job.write(
      'serving/schema.yaml',
      'fields:\n' +
        [
          'customer_id: integer',
          'tenure_months: integer',
          'monthly_charges: number',
          'contract: string',
          'support_calls: integer',
          'signup_date: date',
          'prediction: integer',
          'score: number',
        ]
          .map((field) => field.split(': '))
          .map(([name, type]) => `  - {name: ${name}, type: ${type}}\n`)
          .join(''),
    );
    const half = Math.ceil(rows.length / 2);
    for (const [i, part] of [rows.slice(0, half), rows.slice(half)].entries()) {
      await job.write(`serving/shard-${i}.csv`, [header, ...part, ''].join('\n'));
      const shard = await runInProcess(validateData, {
        ...job,
        standIns,
        inputs: {
          data: `serving/shard-${i}.csv`,
          schema: 'serving/schema.yaml',
          profile: `serving/shard-${i}.json`,
        },
      });
      expect(shard.exitCode, shard.errors.join('\n')).toBe(0);
    }
    const fromShards = await monitor({
      data: 'serving/shard-*.json',
      issue: 'never',
      retrain: '',
    });
    const fromRows = await monitor({ data: windows.shifted, issue: 'never', retrain: '' });
    expect(fromShards.exitCode, fromShards.errors.join('\n')).toBe(0);
    expect(fromShards.outputs.status).toBe('drifting');
    expect(JSON.parse(fromShards.outputs['drifted-features']!)).toEqual(
      JSON.parse(fromRows.outputs['drifted-features']!),
    );
    const report = monitorReportSchema.parse(
      JSON.parse(await readFile(fromShards.outputs.report!, 'utf8')),
    );
    expect(report.drift.current.rows).toBe(rows.length);
    expect(report.performance).toEqual({
      source: 'none',
      reason: expect.stringMatching(/the window came as profiles, which hold no rows/),
    });
  });

  it('fails the step on drift only when asked to', async () => {
    const result = await monitor({
      data: windows.shifted,
      'fail-on': 'drifting',
      issue: 'never',
      retrain: '',
    });
    expectUserError(result, /churn in production is drifting \(fail-on: drifting\)/);
  });

  it('records a healthy model that had no issue in one closed issue, which the fleet view reads', async () => {
    const result = await monitor({ data: windows.steady, environment: 'staging', retrain: '' });
    expect(result.exitCode, result.errors.join('\n')).toBe(0);
    expect(result.outputs.status).toBe('healthy');
    const staging = github.issues.filter((i) =>
      i.body.startsWith('<!-- mlops-actions:monitor model=churn environment=staging -->'),
    );
    expect(staging).toMatchObject([{ state: 'closed', stateReason: 'completed' }]);
    expect(result.outputs['issue-url']).toBe(staging[0]!.htmlUrl);
    const report = monitorReportSchema.parse(
      JSON.parse(await readFile(result.outputs.report!, 'utf8')),
    );
    expect(report.issue).toEqual({
      action: 'recorded',
      url: staging[0]!.htmlUrl,
      number: staging[0]!.number,
    });
    expect(github.comments.filter((c) => c.issueNumber === staging[0]!.number)).toEqual([]);

    const statuses = await readMonitorStatuses(github.port(), { labels: ['model-monitoring'] });
    expect(statuses.get(monitorStatusKey('churn', 'staging'))).toMatchObject({
      status: 'healthy',
      checkedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      issue: { number: staging[0]!.number, state: 'closed' },
      history: [expect.objectContaining({ status: 'healthy' })],
    });
    // Production came back healthy earlier, and the runs since with `issue: never` left no trace.
    expect(statuses.get(monitorStatusKey('churn', 'production'))).toMatchObject({
      status: 'healthy',
      issue: { state: 'closed' },
    });
  });
});

describe('monitor-model refuses what it cannot judge, saying what to give', () => {
  it('without a reference and with no model in the environment', async () => {
    const result = await monitor({ data: windows.shifted, reference: '', environment: 'staging' });
    expectUserError(result, /No model "churn" is in the environment "staging".*give "reference"/);
  });

  it('a window without the columns of the reference', async () => {
    await writeFile(join(job.workspace, 'serving/narrow.csv'), 'tenure_months,score\n3,0.5\n');
    const result = await monitor({ data: 'serving/narrow.csv', task: '' });
    expectUserError(result, /no column "monthly_charges".*which the reference profile has/);
  });

  it('a reference that is not a profile', async () => {
    const result = await monitor({ data: windows.steady, reference: 'examples/churn/config.json' });
    expectUserError(result, /config\.json.*not a profile/);
  });
});
