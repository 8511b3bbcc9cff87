/**
 * Runs an action's `run()` in this process, from source, as its entry would on a runner: the
 * same inputs (declared defaults, then the step's `with:`), variables and working directory as
 * harness/runner/run-bundle.ts gives the bundle, but through the recording runner, so a test
 * sees outputs, summary and annotations without a build or a child process.
 */
import { stepEnvironment } from '../../shared/action/context.js';
import { runAction, type ActionDefinition } from '../../shared/action/run-action.js';
import type { InputSchema } from '../../shared/action/inputs.js';
import { inputVariableName } from '../../shared/action/runner.js';
import { actionMetadata, prepareStep, type RunOptions } from '../../harness/runner/run-bundle.js';
import { recordingRunner, type RecordedRunner } from './recording-runner.js';

export interface InProcessResult {
  exitCode: number;
  runner: RecordedRunner;
  outputs: Record<string, string>;
  summary: string;
  /** Errors, warnings and notices, in order. */
  annotations: RecordedRunner['log'];
  errors: string[];
  warnings: string[];
}

/**
 * Variables that libraries read from process.env themselves rather than from the step:
 * @actions/artifact and @actions/cache (the results service, and the REST API for another
 * run's artifacts). They are set for the run and put back after; this project's own code reads
 * the step's.
 */
const LIBRARY_VARIABLES = [
  'GITHUB_API_URL',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'GITHUB_SERVER_URL',
  'GITHUB_REPOSITORY',
  'GITHUB_RUN_ID',
  'GITHUB_RUN_ATTEMPT',
  'GITHUB_WORKFLOW',
];

export async function runInProcess<S extends InputSchema>(
  action: ActionDefinition<S>,
  options: RunOptions,
): Promise<InProcessResult> {
  const metadata = await actionMetadata(action.name);
  const prepared = await prepareStep(action.name, options);
  const inputs: Record<string, string> = {};
  for (const name of Object.keys(metadata.inputs)) {
    const value = prepared.env[inputVariableName(name)];
    if (value !== undefined) inputs[name] = value;
  }
  const runner = recordingRunner(inputs);
  const saved = Object.fromEntries(LIBRARY_VARIABLES.map((name) => [name, process.env[name]]));
  const cwd = process.cwd();
  let exitCode: number;
  try {
    for (const name of LIBRARY_VARIABLES) setVariable(name, prepared.env[name]);
    // Relative paths in inputs are relative to the step's working directory, the workspace.
    process.chdir(prepared.cwd);
    exitCode = await runAction(action, runner, stepEnvironment(prepared.env));
  } finally {
    process.chdir(cwd);
    for (const [name, value] of Object.entries(saved)) setVariable(name, value);
  }
  const annotations = runner.log.filter(
    (entry) => entry.level === 'error' || entry.level === 'warning' || entry.level === 'notice',
  );
  return {
    exitCode,
    runner,
    outputs: runner.outputs,
    summary: runner.summary.join('\n'),
    annotations,
    errors: annotations.filter((a) => a.level === 'error').map((a) => a.message),
    warnings: annotations.filter((a) => a.level === 'warning').map((a) => a.message),
  };
}

function setVariable(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
