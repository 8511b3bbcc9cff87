/**
 * The churn example after its release, as the serving system would produce it: the model
 * trained again from its config and seed (train.mjs is deterministic, so this is the model in
 * production byte for byte), and customers scored by it (serve.mjs), exported with their
 * features, prediction and score, and with their labels once known. The demo's monitor act and
 * the monitor tests start from here.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { BOUNDED_CHILD } from '../harness/runner/bounded-child.js';

/** train.mjs on the workspace's data/train.csv and data/eval.csv, as the example workflows run it. */
export const TRAIN_ARGS = [
  'examples/churn/train.mjs',
  '--train',
  'data/train.csv',
  '--eval',
  'data/eval.csv',
  '--model-out',
  'model/model.json',
  '--predictions-out',
  'model/predictions.csv',
] as const;

/** A node script of the example in `workspace`, bounded in time, its output discarded. */
export function runExampleScript(
  workspace: string,
  args: readonly string[],
  env: Record<string, string> = {},
): void {
  execFileSync(process.execPath, args, {
    cwd: workspace,
    env: { ...process.env, ...env },
    stdio: 'ignore',
    ...BOUNDED_CHILD,
  });
}

/** model/model.json and model/predictions.csv (the evaluation predictions) from the config. */
export function trainChurn(workspace: string, config = 'examples/churn/config.json'): void {
  runExampleScript(workspace, TRAIN_ARGS, { MLOPS_CONFIG: config, MLOPS_SEED: '0' });
}

/**
 * `rows` customers after the release (generate-data.mjs --serving, their features moved by
 * `shift` from 0 to 1), scored by model/model.json into `serving/<name>.csv`; returns that path.
 */
export function serveCustomers(
  workspace: string,
  {
    name,
    rows,
    shift,
    labels = false,
  }: { name: string; rows: number; shift: number; labels?: boolean },
): string {
  const folder = join('serving', name);
  runExampleScript(workspace, [
    'examples/churn/generate-data.mjs',
    ...['--out', folder, '--rows-train', '1', '--rows-eval', '1'],
    ...['--serving', String(rows), '--shift', String(shift)],
  ]);
  const out = join('serving', `${name}.csv`);
  runExampleScript(workspace, [
    'examples/churn/serve.mjs',
    ...['--model', 'model/model.json', '--data', join(folder, 'serving.csv'), '--out', out],
    ...(labels ? ['--with-labels'] : []),
  ]);
  return out;
}
