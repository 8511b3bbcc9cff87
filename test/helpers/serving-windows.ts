/**
 * The churn example after release: the model trained on the workspace's data, and windows of
 * serving data scored by it as the serving system exports them (examples/serving.ts):
 * `steady` (customers like those in training), `shifted` (charges up, tenure down, more
 * month-to-month contracts: covariate shift) with and without labels.
 */
import { serveCustomers, trainChurn } from '../../examples/serving.js';

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
  if (train) trainChurn(workspace);
  return {
    evaluation: 'model/predictions.csv',
    steady: serveCustomers(workspace, { name: 'steady', rows, shift: 0 }),
    shifted: serveCustomers(workspace, { name: 'shifted', rows, shift: 0.6 }),
    shiftedLabelled: serveCustomers(workspace, {
      name: 'shifted-labelled',
      rows,
      shift: 0.6,
      labels: true,
    }),
  };
}
