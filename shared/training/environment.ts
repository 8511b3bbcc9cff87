/**
 * The environment of the training command: what a `run:` step would have, plus the pins that
 * make a run repeatable.
 */
import type { StepEnvironment } from '../action/context.js';

/**
 * The runner's variables less this action's inputs and the tokens the runner gives only to
 * actions (the artifact and cache service's ACTIONS_RUNTIME_TOKEN, the OIDC request token):
 * the command is the pull request's code.
 */
export function runStepEnvironment(env: StepEnvironment['env']): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !name.startsWith('INPUT_') && !ACTION_ONLY_VARIABLES.has(name),
    ),
  );
}

const ACTION_ONLY_VARIABLES = new Set([
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
]);

/**
 * What the command gets in its environment beside the runner's: the config and the seed, and
 * the switches that make common frameworks deterministic (cuBLAS workspace for PyTorch on
 * GPUs, TensorFlow's deterministic ops, Lightning's global seed, Python's hash seed).
 */
export function trainingPins(
  model: string,
  configPath: string,
  seed: number,
): Record<string, string> {
  const text = String(seed);
  return {
    MLOPS_MODEL_NAME: model,
    MLOPS_CONFIG: configPath,
    MLOPS_SEED: text,
    PYTHONHASHSEED: text,
    PL_GLOBAL_SEED: text,
    CUBLAS_WORKSPACE_CONFIG: ':4096:8',
    TF_DETERMINISTIC_OPS: '1',
    TF_CUDNN_DETERMINISTIC: '1',
  };
}
