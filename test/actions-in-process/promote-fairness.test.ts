/**
 * promote-model records the bias check of the metrics report it promotes: in the promotion
 * record, the deployment payload (read back through parsePayload, a hostile one dropped), the
 * model card that is the production Release's notes (group names, counts and rates; the small
 * groups merged), and the job summary; a report without one says "never checked for bias".
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { promoteModel } from '../../actions/promote-model/src/run.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { escapeMarkdown } from '../../shared/markdown/escape.js';
import { parsePayload } from '../../shared/registry/github-registry.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { runInProcess } from '../helpers/in-process.js';
import { trainedCandidate } from '../helpers/trained-candidate.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const github = new FakeGitHub();
const job = await exampleWorkspace();
const DATA = 'e'.repeat(64);

const group = (rows: number, selectionRate: number, small = false) => ({
  rows,
  weight: rows,
  small,
  baseRate: 0.3,
  selectionRate,
  truePositiveRate: 0.7,
  falsePositiveRate: 0.1,
  metrics: { accuracy: { value: 0.8 } },
});
const measure = (value: number, ci: [number, number], worstGroup: string, groups: string[]) => ({
  value,
  ci,
  worstGroup,
  groups,
});

/** A metrics report's fairness section: one attribute with a tiny group, and an intersection. */
const FAIRNESS = {
  sex: {
    columns: ['sex'],
    minGroupSize: 30,
    dataSha256: DATA,
    groups: {
      F: group(400, 0.279),
      M: group(500, 0.3),
      'tiny-group-7': group(4, 1, true),
    },
    measures: {
      demographic_parity_difference: measure(0.021, [0.004, 0.05], 'F', ['F', 'M']),
      demographic_parity_ratio: measure(0.93, [0.88, 0.97], 'F', ['F', 'M']),
      equalized_odds_difference: measure(0.05, [0.01, 0.09], 'F', ['F', 'M']),
    },
    notes: ['1 group has fewer than 30 rows: reported, left out of the measures.'],
  },
  'sex,age_band': {
    columns: ['sex', 'age_band'],
    minGroupSize: 30,
    dataSha256: DATA,
    groups: { 'F, 60+': group(100, 0.2), 'M, 60+': group(120, 0.25) },
    measures: {
      demographic_parity_ratio: measure(0.8, [0.7, 0.9], 'F, 60+', ['F, 60+', 'M, 60+']),
    },
    notes: [],
  },
};

/** A trained candidate whose metrics report carries `fairness` (or none). */
async function candidate(seed: string, fairness?: object) {
  const model = await trainedCandidate(job, standIns, seed, 0.8);
  const report = JSON.parse(await readFile(`${job.workspace}/${model.metrics}`, 'utf8'));
  await job.write(model.metrics, JSON.stringify({ ...report, ...(fairness ? { fairness } : {}) }));
  return model;
}

// A policy of this test's own: the example's may gain rules on attributes these reports lack.
const GATES = job.write(
  'gates-accuracy.yaml',
  'metrics:\n  accuracy: {direction: higher, min: 0.7, max-regression: 0.02}\n',
);

const promote = async (environment: string, model: { manifest: string; metrics: string }) =>
  runInProcess(promoteModel, {
    ...job,
    standIns,
    github,
    inputs: {
      'model-name': 'churn',
      gates: await GATES,
      environment,
      manifest: model.manifest,
      metrics: model.metrics,
    },
  });

describe('promote-model records the bias check', () => {
  it('in the record, the payload, the Release notes and the summary', async () => {
    const model = await candidate('21', FAIRNESS);
    const result = await promote('production', model);
    expect(result.exitCode, result.errors.join()).toBe(0);

    const deployment = github.deployments.find((d) => d.environment === 'production')!;
    const payload = parsePayload(deployment.payload)!;
    expect(payload.fairness).toMatchObject({
      attributes: ['sex', 'sex,age_band'],
      dataSha256: DATA,
      minGroupSize: 30,
    });
    expect(payload.fairness!.measures).toContainEqual({
      attribute: 'sex',
      measure: 'demographic_parity_ratio',
      value: 0.93,
      ci: [0.88, 0.97],
    });
    expect(payload.fairness!.measures).toHaveLength(4);
    // No group name, no row: the payload is a summary.
    expect(JSON.stringify(payload.fairness)).not.toMatch(/tiny-group-7|"F"/);
    const record = JSON.parse(await readFile(result.outputs.record!, 'utf8'));
    expect(record.fairness).toEqual(payload.fairness);

    const line =
      'checked for bias on sex, sex,age_band: demographic parity ratio (sex) 0.93 [0.88, 0.97]; demographic parity ratio (sex,age_band) 0.8 [0.7, 0.9]';
    expect(result.summary).toContain('| Bias check |');
    expect(result.summary).toContain('demographic parity ratio (sex) 0.93 \\[0.88, 0.97\\]');
    expect(result.summary).not.toContain('never checked');

    const release = github.releases.find((r) => r.tag === `churn@${model.version}`)!;
    const body = github.releaseRequests.get(release.id)!.body!;
    expect(body).toContain('## Bias across groups');
    expect(body).toContain(escapeMarkdown(line));
    expect(body).toMatch(/\| M \| 500 \| 0\.3000? \|/);
    // The tiny group is merged into one line: its name and rate are not published.
    expect(body).toContain('other (fewer than 30 rows each) | 4 |');
    expect(body).not.toContain('tiny-group-7');
  });

  it('records the fairness rules the gates applied, and shows their measures in the bias check', async () => {
    const gates = await job.write(
      'gates-fairness.yaml',
      'metrics:\n  accuracy: {direction: higher, min: 0.7}\nfairness:\n  sex,age_band:\n    demographic_parity_ratio: {min-ratio: 0.65}\n    demographic_parity_difference: {max-difference: 0.5}\n',
    );
    const model = await candidate('23', {
      ...FAIRNESS,
      'sex,age_band': {
        ...FAIRNESS['sex,age_band'],
        measures: {
          ...FAIRNESS['sex,age_band'].measures,
          demographic_parity_difference: measure(0.05, [0.02, 0.08], 'F, 60+', [
            'F, 60+',
            'M, 60+',
          ]),
        },
      },
    });
    const result = await runInProcess(promoteModel, {
      ...job,
      standIns,
      github,
      inputs: {
        'model-name': 'churn',
        gates,
        environment: 'fairness-review',
        manifest: model.manifest,
        metrics: model.metrics,
      },
    });
    expect(result.exitCode, result.errors.join()).toBe(0);
    const deployment = github.deployments.find((d) => d.environment === 'fairness-review')!;
    const fairness = parsePayload(deployment.payload)!.fairness!;
    expect(fairness.rules).toEqual([
      expect.objectContaining({
        attribute: 'sex,age_band',
        measure: 'demographic_parity_ratio',
        status: 'pass',
      }),
      expect.objectContaining({
        attribute: 'sex,age_band',
        measure: 'demographic_parity_difference',
        status: 'pass',
      }),
    ]);
    // The intersection's check shows the measures its rules judged; sex, without a rule, its parity ratio.
    expect(result.summary).toContain(
      escapeMarkdown(
        'demographic parity ratio (sex) 0.93 [0.88, 0.97]; demographic parity ratio (sex,age_band) 0.8 [0.7, 0.9]; demographic parity difference (sex,age_band) 0.05 [0.02, 0.08]',
      ),
    );
  });

  it('judges max-regression against the bias check recorded with the model in the environment', async () => {
    const gates = await job.write(
      'gates-regression.yaml',
      'metrics:\n  accuracy: {direction: higher, min: 0.7}\nfairness:\n  sex:\n    demographic_parity_ratio: {max-regression: 0.05}\n',
    );
    const promoteTo = async (model: { manifest: string; metrics: string }) =>
      runInProcess(promoteModel, {
        ...job,
        standIns,
        github,
        inputs: {
          'model-name': 'churn',
          gates,
          environment: 'regression-review',
          manifest: model.manifest,
          metrics: model.metrics,
        },
      });
    expect((await promoteTo(await candidate('31', FAIRNESS))).exitCode).toBe(0);
    // Production holds 0.93 [0.88, 0.97]; this one's 0.70 [0.64, 0.76] fell by more than 0.05.
    const worse = await candidate('32', {
      ...FAIRNESS,
      sex: {
        ...FAIRNESS.sex,
        measures: {
          ...FAIRNESS.sex.measures,
          demographic_parity_ratio: measure(0.7, [0.64, 0.76], 'F', ['F', 'M']),
        },
      },
    });
    const refused = await promoteTo(worse);
    expect(refused.exitCode).toBe(1);
    expect(refused.errors.join(' ')).toMatch(
      /demographic_parity_ratio for "sex": 0\.7 \[0\.64, 0\.76\] is worse than production's 0\.93 by 0\.23, more than the tolerated 0\.05/,
    );
  });

  it('drops a hostile fairness record read back, not the payload', async () => {
    const deployment = github.deployments.find((d) => d.environment === 'production')!;
    const base = deployment.payload as Record<string, unknown>;
    const fairness = base.fairness as { measures: object[] };
    for (const hostile of [
      { ...fairness, measures: Array.from({ length: 1000 }, () => fairness.measures[0]) },
      { ...fairness, measures: [{ attribute: 'sex', measure: 'x', value: 'NaN' }] },
      'checked',
    ]) {
      const parsed = parsePayload({ ...base, fairness: hostile });
      expect(parsed?.version).toBe(base.version);
      expect(parsed?.fairness).toBeUndefined();
    }
  });

  it('says "never checked for bias" as a warning when the report has no fairness section', async () => {
    const model = await candidate('22');
    const result = await promote('production', model);
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(result.summary).toMatch(/> \[!WARNING\]\n> This model was never checked for bias/);
    const deployment = github.deployments.find(
      (d) =>
        d.environment === 'production' &&
        (d.payload as { version: string }).version === model.version,
    )!;
    expect(parsePayload(deployment.payload)!.fairness).toBeUndefined();
    const record = JSON.parse(await readFile(result.outputs.record!, 'utf8'));
    expect(record.fairness).toBeUndefined();
    const release = github.releases.find((r) => r.tag === `churn@${model.version}`)!;
    expect(github.releaseRequests.get(release.id)!.body).toMatch(
      /## Bias across groups\n\n\*\*never checked for bias\*\*/,
    );
  });
});
