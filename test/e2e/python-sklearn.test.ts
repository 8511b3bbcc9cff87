/**
 * The iris example: a scikit-learn model trained in Python through the train-model bundle and
 * evaluated through the evaluate-model bundle, as a user's workflow runs them. Needs
 * scikit-learn for /usr/bin/python3 (Debian: apt-get install python3-sklearn python3-pandas;
 * .ci/run installs it). Without it the tests fail, saying so, unless
 * MLOPS_ACTIONS_ALLOW_NO_SKLEARN=1 says to skip them on purpose.
 */
import { spawnSync } from 'node:child_process';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../../shared/lineage/manifest.js';
import { metricsReportSchema } from '../../shared/metrics/report.js';
import { commitCheckout } from '../../harness/runner/checkout.js';
import { REPOSITORY_ROOT, runBundle } from '../../harness/runner/run-bundle.js';
import { tempDir } from '../helpers/temp-dir.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

const PYTHON = '/usr/bin/python3';
const probe = spawnSync(PYTHON, ['-c', 'import sklearn, pandas; print(sklearn.__version__)'], {
  encoding: 'utf8',
  ...BOUNDED_CHILD,
});
const sklearnVersion = probe.status === 0 ? probe.stdout.trim() : undefined;
const optedOut = process.env.MLOPS_ACTIONS_ALLOW_NO_SKLEARN === '1';

describe.skipIf(!sklearnVersion && optedOut)(
  `the iris example, trained with scikit-learn ${sklearnVersion ?? '(missing)'}`,
  // Real training in Python, twice, through the bundles: a timeout with room for a busy machine.
  { timeout: 180_000 },
  () => {
    it('has scikit-learn to run with', () => {
      expect(
        sklearnVersion,
        `${PYTHON} cannot import scikit-learn and pandas (${(probe.stderr || probe.error?.message || '').trim()}). Install them: apt-get install -y python3-sklearn python3-pandas (or run .ci/run, which does). To skip these tests knowingly, set MLOPS_ACTIONS_ALLOW_NO_SKLEARN=1.`,
      ).toBeDefined();
    });

    const setup = (async () => {
      const standIns = await StandIns.start();
      const root = await tempDir('mlops-iris-');
      const workspace = join(root, 'workspace');
      await cp(
        join(REPOSITORY_ROOT, 'examples', 'iris-sklearn'),
        join(workspace, 'examples', 'iris-sklearn'),
        { recursive: true },
      );
      commitCheckout(workspace);
      return { standIns, root, workspace };
    })();
    afterAll(async () => (await setup).standIns.stop());

    const job = async (name: string) => {
      const { root, workspace, standIns } = await setup;
      const runnerTemp = join(root, name);
      await mkdir(runnerTemp, { recursive: true });
      return { workspace, runnerTemp, standIns, job: name };
    };
    const trainInputs = {
      'model-name': 'iris',
      config: 'examples/iris-sklearn/config.json',
      run: `${PYTHON} examples/iris-sklearn/train.py --out model`,
      outputs: 'model/model.pkl\nmodel/predictions.csv\nmodel/sklearn-metrics.json',
      cache: 'true',
      'strict-pins': 'error',
    };
    const manifestOf = async (path: string) =>
      manifestSchema.parse(JSON.parse(await readFile(path, 'utf8')));

    it('trains through train-model, pinned, then restores the same fingerprint from the cache', async () => {
      const { standIns } = await setup;
      standIns.newRun();
      const first = await runBundle('train-model', {
        ...(await job('train-1')),
        inputs: trainInputs,
      });
      expect(first.exitCode, first.stdout + first.stderr).toBe(0);
      expect(first.outputs['cache-hit']).toBe('false');
      expect(first.stdout).toMatch(/train\.py: logistic_regression on 90 rows, seed 0/);
      const manifest = await manifestOf(first.outputs.manifest!);
      expect(manifest.lockFiles!.map((l) => l.path)).toEqual([
        'examples/iris-sklearn/requirements.txt',
      ]);
      expect(manifest.unpinned).toEqual([]);
      // README.md, requirements.txt and train.py: the config counts by its canonical form.
      expect(manifest.code).toMatchObject({ source: 'git', files: 3 });

      standIns.newRun();
      const second = await runBundle('train-model', {
        ...(await job('train-2')),
        inputs: trainInputs,
      });
      expect(second.outputs['cache-hit'], second.stdout).toBe('true');
      expect((await manifestOf(second.outputs.manifest!)).fingerprint).toBe(manifest.fingerprint);

      // Trained again from scratch: the same bytes, so the pins make the run reproducible.
      standIns.newRun();
      const again = await runBundle('train-model', {
        ...(await job('train-3')),
        inputs: { ...trainInputs, cache: 'false' },
      });
      expect((await manifestOf(again.outputs.manifest!)).outputs).toEqual(manifest.outputs);
    });

    it('evaluates through evaluate-model to the values scikit-learn computes on the same predictions', async () => {
      const step = await job('evaluate');
      const trained = await runBundle('train-model', { ...step, inputs: trainInputs });
      const result = await runBundle('evaluate-model', {
        ...step,
        inputs: {
          'model-name': 'iris',
          predictions: 'model/predictions.csv',
          task: 'multiclass',
          'score-columns':
            'setosa=proba_setosa\nversicolor=proba_versicolor\nvirginica=proba_virginica',
          slices: 'petal_size',
          bootstrap: '300',
          manifest: trained.outputs.manifest!,
        },
      });
      expect(result.exitCode, result.stdout).toBe(0);
      const report = metricsReportSchema.parse(
        JSON.parse(await readFile(result.outputs.metrics!, 'utf8')),
      );
      const reference = (
        JSON.parse(await readFile(join(step.workspace, 'model/sklearn-metrics.json'), 'utf8')) as {
          sklearn: Record<string, number>;
        }
      ).sklearn;
      expect(Object.keys(reference).length).toBeGreaterThan(5);
      for (const [name, value] of Object.entries(reference)) {
        expect(
          Math.abs(report.metrics[name]!.value - value),
          `${name}: ${report.metrics[name]?.value} vs scikit-learn's ${value}`,
        ).toBeLessThanOrEqual(1e-9);
        expect(report.metrics[name]!.ci, name).toBeDefined();
      }
      expect(report.version).toBe(trained.outputs.version);
      expect(Object.keys(report.slices).sort()).toEqual(['petal_size=large', 'petal_size=small']);

      // The same file through evaluate-model's other door: the metrics file the user's code wrote.
      const own = await runBundle('evaluate-model', {
        ...step,
        inputs: { 'model-name': 'iris', metrics: 'model/sklearn-metrics.json' },
      });
      expect(JSON.parse(own.outputs.summary!)).toEqual(
        Object.fromEntries(
          Object.entries(reference).map(([name, value]) => [`sklearn.${name}`, value]),
        ),
      );
    });
  },
);
