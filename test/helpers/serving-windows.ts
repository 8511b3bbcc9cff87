/**
 * The churn example after release: the model trained on the workspace's data, and windows of
 * serving data scored by it as the serving system exports them (examples/churn/serve.mjs):
 * `steady` (customers like those in training), `shifted` (charges up, tenure down, more
 * month-to-month contracts: covariate shift) with and without labels.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

export interface ServingWindows {
  /** The model's evaluation predictions (label, prediction, score): calibration and output reference. */
  evaluation: string;
  steady: string;
  shifted: string;
  /** The shifted window with its labels, as they arrive weeks later. */
  shiftedLabelled: string;
}

/**
 * Paths relative to the workspace, which must hold examples/churn and data/train.csv,
 * data/eval.csv; the model is trained there unless `train` is false (a train-model step of the
 * test trained model/model.json already).
 */
export function servingWindows(
  workspace: string,
  { rows = 1500, train = true } = {},
): ServingWindows {
  const node = (args: string[], env: Record<string, string> = {}) =>
    execFileSync(process.execPath, args, {
      cwd: workspace,
      env: { ...process.env, ...env },
      stdio: 'ignore',
      ...BOUNDED_CHILD,
    });
  if (train)
    node(
      [
        'examples/churn/train.mjs',
        '--train',
        'data/train.csv',
        '--eval',
        'data/eval.csv',
        '--model-out',
        'model/model.json',
        '--predictions-out',
        'model/predictions.csv',
      ],
      { MLOPS_CONFIG: 'examples/churn/config.json' },
    );
  const window = (name: string, shift: string, labels: boolean) => {
    const folder = join('serving', name);
    node([
      'examples/churn/generate-data.mjs',
      '--out',
      folder,
      '--rows-train',
      '1',
      '--rows-eval',
      '1',
      '--serving',
      String(rows),
      '--shift',
      shift,
    ]);
    const out = join('serving', `${name}.csv`);
    node([
      'examples/churn/serve.mjs',
      '--model',
      'model/model.json',
      '--data',
      join(folder, 'serving.csv'),
      '--out',
      out,
      ...(labels ? ['--with-labels'] : []),
    ]);
    return out;
  };
  return {
    evaluation: 'model/predictions.csv',
    steady: window('steady', '0', false),
    shifted: window('shifted', '0.6', false),
    shiftedLabelled: window('shifted-labelled', '0.6', true),
  };
}
