import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExamplePipeline } from '../../examples/pipeline.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the example pipeline, chained as the workflows chain it', () => {
  it('trains production, then validates, trains, evaluates and compares a candidate, and promotes it', async () => {
    const run = await runExamplePipeline({ root: join(await tempDir('mlops-e2e-'), 'run') });
    expect(run.steps.map((s) => `${s.job}/${s.result.exitCode}`)).toEqual([
      'release-production/0', 'release-production/0', 'release-production/0',
      'pull-request/0', 'pull-request/0', 'pull-request/0', 'pull-request/0', 'release-staging/0',
    ]);
    const [trainProd, evalProd, promoteProd, validate, train, evaluate, compare, promoteStaging] = run.steps.map((s) => s.result);
    // Outputs flow from step to step: the versions in the comparison are the trained models'.
    expect(validate!.outputs).toMatchObject({ valid: 'true', rows: '3000' });
    expect(compare!.outputs).toMatchObject({ verdict: 'pass', 'baseline-version': trainProd!.outputs.version });
    expect(promoteProd!.outputs.version).toBe(trainProd!.outputs.version);
    expect(promoteStaging!.outputs.version).toBe(train!.outputs.version);
    expect(train!.outputs.fingerprint).not.toBe(trainProd!.outputs.fingerprint);
    const candidate = JSON.parse(evaluate!.outputs.summary!).accuracy as number;
    const production = JSON.parse(evalProd!.outputs.summary!).accuracy as number;
    expect(candidate).toBeGreaterThan(production);
    const comparison = JSON.parse(await readFile(compare!.outputs.report!, 'utf8'));
    expect(comparison.metrics[0]).toMatchObject({ name: 'accuracy', baseline: production, candidate, status: 'pass' });
    expect(comparison.notLikeForLike).toBe(false);
    expect(await readFile(compare!.outputs['comment-file']!, 'utf8')).toContain(`Compared with the baseline \`${trainProd!.outputs.version}\``);
  });

  it('stops at the comparison when the candidate regresses', async () => {
    const root = join(await tempDir('mlops-e2e-'), 'run');
    const error = await runExamplePipeline({ root, candidateConfig: 'examples/churn/regressed-config.json', prepare: async (write) => write('examples/churn/regressed-config.json', JSON.stringify({ model: 'logistic-regression', learning_rate: 0.01, epochs: 1, l2: 0.5, features: ['support_calls'], threshold: 0.5 })) }).catch((e: unknown) => e);
    expect(String(error)).toMatch(/Step "Compare with production" \(pull-request\) failed with exit code 1: churn: accuracy .* is below the minimum 0\.7; it got worse by/);
  });
});
