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

/**
 * The steady window with the sensitive columns the serving system exports beside it: `sex`
 * (biased: a planted share of the positive predictions goes to F, or spread evenly when fair),
 * `age_band`, and a tiny group of 5 rows. Returns the path and each sex's selection rate,
 * counted here from the rows written.
 */
async function windowWithGroups(name: string, biased: boolean) {
  const [header, ...rows] = (await readFile(join(job.workspace, windows.steady), 'utf8'))
    .trimEnd()
    .split('\n');
  const at = header!.split(',').indexOf('prediction');
  const counts = new Map<string, { rows: number; positive: number }>();
  const lines = rows.map((line, i) => {
    const positive = line.split(',')[at] === '1';
    const sex =
      i < 5 ? 'tiny-7' : biased ? ((i % 3 !== 0) === positive ? 'F' : 'M') : i % 2 ? 'F' : 'M';
    const count = counts.get(sex) ?? { rows: 0, positive: 0 };
    count.rows++;
    if (positive) count.positive++;
    counts.set(sex, count);
    return `${line},${sex},${i % 2 ? '60+' : 'under 60'}`;
  });
  const path = await job.write(
    `serving/${name}.csv`,
    [`${header},sex,age_band`, ...lines].join('\n') + '\n',
  );
  const rate = (sex: string) => counts.get(sex)!.positive / counts.get(sex)!.rows;
  return { path, rate };
}

describe('monitor-model tracks selection-rate parity across groups', () => {
  const policy = job.write(
    'fairness-policy.yaml',
    'monitor:\n  fairness:\n    attributes: [sex, "sex,age_band"]\n    min-ratio: 0.8\n',
  );

  it('reports a breach of the four-fifths rule in the issue, the groups merged under min-group-size', async () => {
    const { path, rate } = await windowWithGroups('biased', true);
    const result = await monitor({
      'model-name': 'loans',
      data: path,
      policy: await policy,
      issue: 'on-failure',
      retrain: '',
    });
    expect(result.exitCode, result.errors.join('\n')).toBe(0);
    const report = monitorReportSchema.parse(
      JSON.parse(await readFile(result.outputs.report!, 'utf8')),
    );
    const sex = report.fairness!.attributes.sex!;
    const [low, high] = [rate('F'), rate('M')].sort((a, b) => a - b);
    expect(sex.measures.demographic_parity_ratio!.value).toBeCloseTo(low! / high!, 12);
    expect(sex.measures.demographic_parity_difference!.value).toBeCloseTo(high! - low!, 12);
    expect(sex.groups.F!.selectionRate).toBeCloseTo(rate('F'), 12);
    expect(sex.groups['tiny-7']).toMatchObject({ rows: 5, small: true });
    expect(sex.measures.demographic_parity_ratio!.groups.sort()).toEqual(['F', 'M']);
    expect(Object.keys(report.fairness!.attributes)).toEqual(['sex', 'sex,age_band']);
    expect(low! / high!).toBeLessThan(0.8);
    expect(report.status).toBe('degraded');
    expect(report.findings[0]).toMatchObject({ kind: 'fairness', level: 'fail', feature: 'sex' });
    expect(report.findings[0]!.message).toMatch(
      /under the policy's min-ratio 0.8 \(the four-fifths rule\)/,
    );
    const issue = github.issues.find((i) => i.body?.includes('mlops-actions:monitor model=loans'))!;
    expect(issue.state).toBe('open');
    expect(issue.body).toContain('### Selection-rate parity');
    expect(issue.body).toMatch(/❌ \*\*sex\*\*: demographic_parity_ratio 0\.\d+/);
    expect(issue.body).toContain('| other (fewer than 30 rows each) | 5 |');
    // A group under min-group-size is merged: its name and rate are not published.
    expect(issue.body).not.toContain('tiny-7');
  });

  it('finds even selection rates healthy, and says so', async () => {
    const { path, rate } = await windowWithGroups('fair', false);
    const result = await monitor({
      'model-name': 'loans',
      data: path,
      policy: await policy,
      issue: 'never',
      retrain: '',
    });
    const report = monitorReportSchema.parse(
      JSON.parse(await readFile(result.outputs.report!, 'utf8')),
    );
    const [low, high] = [rate('F'), rate('M')].sort((a, b) => a - b);
    expect(low! / high!).toBeGreaterThanOrEqual(0.8);
    expect(report.fairness!.attributes.sex!.measures.demographic_parity_ratio!.value).toBeCloseTo(
      low! / high!,
      12,
    );
    expect(report.findings.filter((f) => f.kind === 'fairness')).toEqual([]);
    expect(report.status).toBe('healthy');
    expect(result.summary).toMatch(/✅ \*\*sex\*\*: demographic_parity_ratio/);
  });

  it('says parity is not tracked when the window lacks the sensitive columns', async () => {
    const result = await monitor({
      'model-name': 'loans',
      data: windows.steady,
      policy: await policy,
      issue: 'never',
      retrain: '',
    });
    const report = monitorReportSchema.parse(
      JSON.parse(await readFile(result.outputs.report!, 'utf8')),
    );
    expect(report.fairness?.reason).toMatch(/the window has no column "sex", "age_band"/);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ kind: 'fairness', level: 'info' }),
    );
    expect(report.status).toBe('healthy');
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
