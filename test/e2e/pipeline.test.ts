import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runExamplePipeline } from '../../examples/pipeline.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { fleetDocumentSchema } from '../../shared/fleet/fleet-document.js';
import { tempDir } from '../helpers/temp-dir.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());

// A test here is a chain of eight to twelve bundle steps, a whole workflow: about 20 s on an idle
// two-core machine, so its timeout is five times that and more, for a busy one.
describe('the example pipeline, chained as the workflows chain it', { timeout: 180_000 }, () => {
  it('releases a model to staging and production, then checks a pull request against it', async () => {
    const run = await runExamplePipeline({
      root: join(await tempDir('mlops-e2e-'), 'run'),
      standIns,
    });
    expect(run.steps.map((s) => `${s.job}: ${s.step}`)).toHaveLength(16);
    expect(run.steps.every((s) => s.result.exitCode === 0)).toBe(true);
    const [
      validateRelease,
      trainProd,
      evalProd,
      checkStaging,
      promoteStaging,
      checkProd,
      promoteProd,
      validate,
      train,
      evaluate,
      compare,
    ] = run.steps.map((s) => s.result);
    // Production got the staging job's artifact: same version, no retraining, recorded as the
    // model in production.
    expect(promoteProd!.outputs.version).toBe(trainProd!.outputs.version);
    const production = standIns.github.deployments.find(
      (d) => String(d.id) === promoteProd!.outputs['deployment-id'],
    );
    expect(production).toMatchObject({
      task: 'model:churn',
      environment: 'production',
      payload: {
        version: trainProd!.outputs.version,
        artifact: trainProd!.outputs['artifact-name'],
        // The training data profile, published in the Release: the monitor's reference.
        profile: { asset: expect.stringMatching(/\/releases\/assets\/\d+$/) },
      },
    });
    expect(validateRelease!.outputs.profile).toMatch(/data-profile\.json$/);
    // Each promotion was checked before its approval (a dry run, which recorded nothing) and is
    // bound to that check's digest, recorded with the promotion.
    for (const [checked, promoted] of [
      [checkStaging!, promoteStaging!],
      [checkProd!, promoteProd!],
    ] as const) {
      const digest = checked.outputs['comparison-digest']!;
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(checked.outputs['deployment-id']).toBe('');
      expect(checked.summary).toContain(`| Comparison digest | \`${digest}\` |`);
      const deployment = standIns.github.deployments.find(
        (d) => String(d.id) === promoted.outputs['deployment-id'],
      );
      expect(deployment!.payload).toMatchObject({ comparisonDigest: digest, approval: { digest } });
    }
    expect(standIns.github.deployments.filter((d) => d.task === 'model:churn')).toHaveLength(2);
    expect(validate!.outputs).toMatchObject({ valid: 'true', rows: '3000' });
    expect(compare!.outputs).toMatchObject({
      verdict: 'pass',
      'baseline-version': trainProd!.outputs.version,
    });
    expect(train!.outputs.fingerprint).not.toBe(trainProd!.outputs.fingerprint);
    const candidate = JSON.parse(evaluate!.outputs.summary!).accuracy as number;
    const productionAccuracy = JSON.parse(evalProd!.outputs.summary!).accuracy as number;
    expect(candidate).toBeGreaterThan(productionAccuracy);
    const comparison = JSON.parse(await readFile(compare!.outputs.report!, 'utf8'));
    expect(comparison.metrics[0]).toMatchObject({
      name: 'accuracy',
      baseline: productionAccuracy,
      candidate,
      status: 'pass',
    });
    expect(comparison.notLikeForLike).toBe(false);
    // Fairness: both models were evaluated by age_band (customers.csv carried into the
    // predictions); the fair candidate keeps the four-fifths rule with its whole interval.
    const ratio = comparison.fairness.find(
      (f: { attribute: string; measure: string }) =>
        f.attribute === 'age_band' && f.measure === 'demographic_parity_ratio',
    );
    expect(ratio).toMatchObject({ status: 'pass', rule: expect.stringContaining('ratio ≥ 0.8') });
    expect(ratio.candidateCi[0]).toBeGreaterThanOrEqual(0.8);
    expect(typeof ratio.baseline).toBe('number');
    expect(comparison.fairnessGroups.age_band.groups.map((g: { name: string }) => g.name)).toEqual([
      'under 55',
      '55+',
    ]);
    // The re-run restores training from the cache and updates the one comment.
    expect(run.rerun.train.outputs).toMatchObject({
      'cache-hit': 'true',
      fingerprint: train!.outputs.fingerprint,
    });
    const comments = standIns.github.comments.get(2) ?? [];
    expect(comments).toHaveLength(1);
    expect(run.rerun.comparison.outputs['comment-url']).toBe(compare!.outputs['comment-url']);
    expect(comments[0]!.body).toContain(
      `Compared with \`${trainProd!.outputs.version}\`, the model in \`production\` since`,
    );
    // The compare job has no checkout: the policy is the base branch's, read through the API, and
    // the pull request's version (at its merge commit) is the same.
    expect(comments[0]!.body).toContain(
      `Judged by the gate policy \`examples/churn/gates.yaml\` of the base branch (\`master\` at \`${run.commits.base.slice(0, 12)}\`).`,
    );
    expect(comparison.policy).toMatchObject({
      kind: 'base',
      baseSha: run.commits.base,
      found: true,
      proposed: 'same',
    });
    // Weeks later: the shifted serving data drifts against the profile published with the model,
    // one issue is opened and retraining dispatched once.
    expect(run.monitor.outputs).toMatchObject({ status: 'drifting', 'retrain-dispatched': 'true' });
    const issues = standIns.github.issues.filter((i) =>
      String(i.body).includes('mlops-actions:monitor'),
    );
    expect(issues).toHaveLength(1);
    expect(run.monitor.outputs['issue-url']).toBe(issues[0]!.html_url);
    // The nightly registry page shows it all: the model in staging and production, the release's
    // version with its lineage from the Release, its owner from CODEOWNERS, the monitor's word.
    expect(run.registry.outputs).toMatchObject({ models: '1', stale: '0' });
    const fleet = fleetDocumentSchema.parse(
      JSON.parse(await readFile(run.registry.outputs.fleet!, 'utf8')),
    );
    const [churn] = fleet.models;
    expect(churn).toMatchObject({ repository: 'Codertocat/Hello-World', name: 'churn' });
    expect(churn!.owner.handles).toEqual(['@octo-org/ml-platform']);
    const inProduction = churn!.environments.find((e) => e.name === 'production')!;
    expect(inProduction.current?.version).toBe(promoteProd!.outputs.version);
    expect(inProduction.monitor).toMatchObject({
      status: 'drifting',
      issue: { url: issues[0]!.html_url, state: 'open' },
    });
    // Watched, and owned by a team that exists: no flag at all.
    expect(inProduction.flags).toEqual([]);
    const released = churn!.versions.find((v) => v.version === promoteProd!.outputs.version)!;
    expect(released.lineage).toMatchObject({ source: 'release', command: expect.any(String) });
    expect(released.lineage.missing).toBeUndefined();
    expect(released.lineage.data.map((d) => d.path)).toContain('data/train.csv');
    expect(released.lineage.profile?.rows).toBeGreaterThan(0);
    // Evaluated with sensitive-features: age_band, the production model's bias check is on record.
    expect(released.fairness?.attributes).toEqual(['age_band']);
    expect(released.fairness?.measures.map((m) => m.measure)).toContain('demographic_parity_ratio');
    expect(standIns.violations()).toEqual([]);
  });

  it("fails the demo's pull request, whose config selects fewer customers aged 55+, on the four-fifths rule", async () => {
    const root = join(await tempDir('mlops-e2e-'), 'run');
    const config = JSON.parse(
      await readFile(join(REPOSITORY_ROOT, 'examples', 'churn', 'config.json'), 'utf8'),
    ) as Record<string, unknown>;
    const biased = { ...config, group_thresholds: { age_band: { '55+': 0.75 } } };
    const run = await runExamplePipeline({
      root,
      standIns,
      prepare: async (write) => write('examples/churn/config.json', JSON.stringify(biased)),
      gatesMayFail: true,
    });
    const compare = run.comparison;
    expect(compare.exitCode).toBe(1);
    expect(compare.outputs.verdict).toBe('fail');
    const comparison = JSON.parse(await readFile(compare.outputs.report!, 'utf8'));
    // Accuracy alone would pass: only the fairness gate fails.
    expect(comparison.metrics.find((m: { name: string }) => m.name === 'accuracy').status).toBe(
      'pass',
    );
    const ratio = comparison.fairness.find(
      (f: { measure: string }) => f.measure === 'demographic_parity_ratio',
    );
    expect(ratio).toMatchObject({ attribute: 'age_band', status: 'fail', worstGroup: '55+' });
    expect(ratio.candidateCi[1]).toBeLessThan(0.8);
    expect(ratio.baseline).toBeGreaterThan(0.8);
    const body = compare.annotations.map((a) => a.message).join('\n');
    expect(body).toMatch(
      /demographic_parity_ratio for "age_band" .*below the minimum ratio 0\.8 \(the four-fifths rule\)/,
    );
    const comment = await readFile(compare.outputs['comment-file']!, 'utf8');
    expect(comment).toContain(
      '<details open><summary>Fairness (1 sensitive attribute, 1 gate, 1 not passing)',
    );
    expect(comment).toMatch(/\| `55\+` \| \d+ \| 0\.\d+ \|/);
    expect(comment.split('<details')[0]).toMatch(
      /- ❌ worse: disparity `demographic_parity_ratio` for `age_band`: .* · gated: ❌ fail/,
    );
  });

  it('stops at the comparison when the candidate regresses', async () => {
    const root = join(await tempDir('mlops-e2e-'), 'run');
    const regressed = JSON.stringify({
      model: 'logistic-regression',
      learning_rate: 0.01,
      epochs: 1,
      l2: 0.5,
      features: ['support_calls'],
      threshold: 0.5,
    });
    const error = await runExamplePipeline({
      root,
      standIns,
      candidateConfig: 'examples/churn/regressed-config.json',
      prepare: async (write) => write('examples/churn/regressed-config.json', regressed),
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(
      /Step "Compare with production" \(compare\) failed with exit code 1: churn: accuracy .* is below the minimum 0\.7; it got worse by/,
    );
  });

  it('still stops a regressed candidate whose pull request loosens the gates, and shows the loosening', async () => {
    const root = join(await tempDir('mlops-e2e-'), 'run');
    const regressed = JSON.stringify({
      model: 'logistic-regression',
      learning_rate: 0.01,
      epochs: 1,
      l2: 0.5,
      features: ['support_calls'],
      threshold: 0.5,
    });
    const gates =
      'metrics:\n  accuracy:\n    direction: higher\n    min: 0.1\n    max-regression: 0.5\n    level: warn\n';
    const error = await runExamplePipeline({
      root,
      standIns,
      candidateConfig: 'examples/churn/regressed-config.json',
      prepare: async (write) => {
        await write('examples/churn/regressed-config.json', regressed);
        await write('examples/churn/gates.yaml', gates);
      },
    }).catch((e: unknown) => e);
    expect(String(error)).toMatch(
      /Step "Compare with production" \(compare\) failed with exit code 1: churn: accuracy .* is below the minimum 0\.7/,
    );
    const body = (standIns.github.comments.get(2) ?? [])[0]!.body as string;
    expect(body).toContain('### churn');
    expect(body).toContain('❌ fails its gates');
    for (const line of [
      '⚠️ this PR loosens `accuracy` min from 0.7 to 0.1',
      '⚠️ this PR loosens `accuracy` max-regression from 0.02 to 0.5',
      '⚠️ this PR loosens `accuracy` level from fail to warn',
    ]) {
      expect(body).toContain(`> - ${line}`);
    }
  });
});
