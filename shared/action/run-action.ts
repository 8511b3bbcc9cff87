/**
 * The one wrapper every action entry goes through: parse inputs, run, and return the exit status
 * (the entry sets it; a test runs an action in its own process). A user mistake ends the step
 * with its message only; anything else is a bug in this project and is reported as one, with
 * the stack at debug level.
 */
import type { z } from 'zod';
import { isUserError } from './errors.js';
import { describeNetworkFailure, networkFailure } from './network-error.js';
import { stepEnvironment, type StepEnvironment } from './context.js';
import { readInputs, type InputSchema } from './inputs.js';
import { createRunner, type Runner } from './runner.js';

export interface ActionDefinition<S extends InputSchema> {
  /** The action folder name, e.g. `validate-data`. */
  name: string;
  inputs: S;
  /** `step` carries everything the run reads from its environment, so tests run it in process. */
  run(inputs: z.output<S>, runner: Runner, step: StepEnvironment): Promise<void>;
}

export async function runAction<S extends InputSchema>(
  action: ActionDefinition<S>,
  runner: Runner = createRunner(),
  step: StepEnvironment = stepEnvironment(process.env),
): Promise<number> {
  let status = 0;
  try {
    const inputs = readInputs(action.inputs, runner.getInput);
    await action.run(inputs, runner, step);
  } catch (error) {
    status = 1;
    reportFailure(action.name, error, runner);
  }
  return status;
}

function reportFailure(actionName: string, error: unknown, runner: Runner): void {
  if (isUserError(error)) {
    runner.error(error.message, { title: actionName });
    return;
  }
  const network = networkFailure(error);
  if (network) {
    runner.error(describeNetworkFailure(network), { title: actionName });
    return;
  }
  const http = httpFailure(error);
  if (http) {
    runner.error(
      `GitHub answered ${http.status} to ${http.request} after retries: ${http.message}. This is a problem with GitHub or with the token's permissions, not with your data; re-run the job, and check the job's "permissions:" if it persists.`,
      { title: actionName },
    );
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  runner.error(
    `${actionName} stopped on an unexpected error: ${message}. This is a bug in mlops-actions, not in your workflow; ` +
      'please report it with the step log (re-run with debug logging for the stack trace).',
    { title: actionName },
  );
  if (error instanceof Error && error.stack) runner.debug(error.stack);
}

/** An Octokit RequestError (or alike): the API answered, with an error status. */
function httpFailure(
  error: unknown,
): { status: number; request: string; message: string } | undefined {
  if (!(error instanceof Error) || !('status' in error) || typeof error.status !== 'number')
    return undefined;
  const request = (error as { request?: { method?: string; url?: string } }).request;
  const where = request?.url
    ? `${request.method ?? ''} ${new URL(request.url).pathname}`.trim()
    : 'a request';
  return {
    status: error.status,
    request: where,
    message: error.message.replace(/\s+/g, ' ').slice(0, 300),
  };
}
