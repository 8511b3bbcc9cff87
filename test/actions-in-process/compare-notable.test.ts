/**
 * compare-metrics on metrics reports, end to end in process: the notable changes reach the
 * comparison document, the comment's first lines and, under `notable-regressions: warn`, the
 * verdict and a warning annotation; the reports' confusion matrices and residual summaries
 * reach the document and the comment.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { compareMetrics } from '../../actions/compare-metrics/src/run.js';
import { sharedStandIns } from '../../harness/stand-ins/index.js';
import { METRICS_REPORT_FORMAT } from '../../shared/metrics/report.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { runInProcess } from '../helpers/in-process.js';

const standIns = await sharedStandIns();
const github = new FakeGitHub();
const job = await exampleWorkspace();

const value = (v: number, half?: number) => ({
  value: v,
  ...(half !== undefined ? { ci: [v - half, v + half] } : {}),
  n: 200,
});

/** A classification report with recall by contract and a confusion matrix. */
const classification = (version: string, twoYearRecall: number, matrix: number[][]) =>
  JSON.stringify({
    format: METRICS_REPORT_FORMAT,
    model: 'churn',
    version,
    task: 'binary',
    metrics: { accuracy: value(0.8, 0.02), recall: value(0.7, 0.03) },
    slices: {
      'contract=two-year': { recall: value(twoYearRecall, 0.07) },
      'contract=monthly': { recall: value(0.7, 0.04) },
    },
    confusionMatrix: { classes: ['0', '1'], matrix },
  });

await job.write(
  'cand.json',
  classification('cand', 0.37, [
    [410, 94],
    [98, 398],
  ]),
);
await job.write(
  'base.json',
  classification('prod', 0.84, [
    [377, 127],
    [105, 391],
  ]),
);
await job.write(
  'warn-gates.yaml',
  'notable-regressions: warn\nmetrics:\n  accuracy:\n    direction: higher\n    max-regression: 0.02\n',
);
await job.write(
  'info-gates.yaml',
  'metrics:\n  accuracy:\n    direction: higher\n    max-regression: 0.02\n',
);

const compare = (inputs: Record<string, string>) =>
  runInProcess(compareMetrics, {
    ...job,
    standIns,
    github,
    // The policy files are the workspace's (no base branch to read them from here).
    inputs: {
      'model-name': 'churn',
      metrics: 'cand.json',
      baseline: 'base.json',
      'gates-from': 'workspace',
      ...inputs,
    },
  });

describe('compare-metrics: notable changes, confusion matrix and residuals', () => {
  it('passes with the slice regression listed under the headline (notable-regressions: info)', async () => {
    const result = await compare({ gates: 'info-gates.yaml' });
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(result.outputs.verdict).toBe('pass');
    expect(result.warnings.filter((w) => w.includes('contract=two-year'))).toEqual([]);
    const comment = await readFile(result.outputs['comment-file']!, 'utf8');
    const head = comment.split('\n').slice(0, 8).join('\n');
    expect(head).toContain('✅ passes its gates · ⚠️ 1 notable regression without a gate');
    expect(head).toMatch(/`recall` on `contract=two-year`: 0\.84 → 0\.37/);
    const document = JSON.parse(await readFile(result.outputs.report!, 'utf8'));
    expect(document.notable).toEqual([
      expect.objectContaining({
        metric: 'recall',
        slice: 'contract=two-year',
        kind: 'regression',
        gated: false,
      }),
    ]);
    expect(document.confusion.candidate.matrix).toEqual([
      [410, 94],
      [98, 398],
    ]);
    expect(document.confusion.baseline.matrix[0]).toEqual([377, 127]);
    expect(comment).toContain('<summary>Confusion matrix</summary>');
    expect(comment).toContain('**410 ↑** <sub>377</sub>');
  });

  it('warns, with an annotation, under notable-regressions: warn', async () => {
    const result = await compare({ gates: 'warn-gates.yaml' });
    expect(result.outputs.verdict).toBe('warn');
    expect(result.warnings).toContainEqual(
      expect.stringMatching(
        /^churn: recall on slice "contract=two-year" regressed from 0\.84 to 0\.37 .*without a gate \(notable-regressions: warn\)$/,
      ),
    );
  });

  it('carries the residual quantiles of regression reports', async () => {
    const regression = (version: string, p50: number) =>
      JSON.stringify({
        format: METRICS_REPORT_FORMAT,
        model: 'churn',
        version,
        task: 'regression',
        metrics: { rmse: value(2.1) },
        residuals: { p5: -3, p25: -1, p50, p75: 1, p95: 3 },
      });
    await job.write('cand-reg.json', regression('cand', 0.25));
    await job.write('base-reg.json', regression('prod', -0.5));
    const result = await compare({ metrics: 'cand-reg.json', baseline: 'base-reg.json' });
    const document = JSON.parse(await readFile(result.outputs.report!, 'utf8'));
    expect(document.residuals).toEqual({
      candidate: { p5: -3, p25: -1, p50: 0.25, p75: 1, p95: 3 },
      baseline: { p5: -3, p25: -1, p50: -0.5, p75: 1, p95: 3 },
    });
    const comment = await readFile(result.outputs['comment-file']!, 'utf8');
    expect(comment).toContain('| Candidate | -3 | -1 | 0.25 | 1 | 3 |');
  });
});
