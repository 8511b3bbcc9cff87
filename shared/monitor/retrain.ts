/**
 * Retraining on cue: dispatches the workflow the user named (`on: workflow_dispatch:` with the
 * inputs model-name, environment and reason) at most once per cool-down. The cool-down is read
 * from GitHub itself, the workflow's runs started by workflow_dispatch within the window, so a
 * scheduled monitor needs no state of its own, and a retraining started by hand counts too.
 */
import { UserError } from '../action/errors.js';
import { isPermissionDenied, statusOf } from '../github/client.js';
import type { GitHubPort, WorkflowRun } from '../github/port.js';
import { quoteValue } from '../identifiers.js';

/** GitHub's workflow_dispatch takes at most 25 inputs. */
const INPUTS_LIMIT = 25;
/** The reason a run is dispatched with is cut to this (the design's bound; GitHub's input values are short texts). */
const REASON_LIMIT = 1000;
const EXPECTED_TRIGGER =
  'on:\n  workflow_dispatch:\n    inputs:\n      model-name: { required: true }\n      environment: { required: true }\n      reason: { required: false }';

export interface RetrainRequest {
  /** The workflow's file name (`retrain.yml`), its path (`.github/workflows/retrain.yml`) or its numeric id. */
  workflow: string;
  /** The branch or tag it runs on. */
  ref: string;
  /** `model-name`, `environment` and `reason` (cut to 1,000 characters). */
  inputs: Readonly<Record<string, string>>;
  /** At most one dispatch within this many milliseconds (0: no cool-down). */
  cooldownMs: number;
  now: Date;
}

export interface RetrainResult {
  dispatched: boolean;
  /** One sentence for the summary and the issue: what was done, or why not. */
  reason: string;
  /** The run that holds the cool-down, when one does. */
  lastRun?: { url: string; createdAt: string };
}

/**
 * The workflow as GitHub's `workflow_id` takes it: a numeric id, or the file name (GitHub finds
 * a workflow by its name under .github/workflows, not by a path).
 */
export function workflowKey(workflow: string): string | number {
  const value = workflow.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const file = value.replace(/^\.\//, '').replace(/^\.github\/workflows\//, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\.ya?ml$/.test(file))
    throw new UserError(
      `The retraining workflow ${quoteValue(workflow)} is not a workflow file name: give the file name of a workflow under .github/workflows (e.g. "retrain.yml"), its path, or its numeric id.`,
    );
  return file;
}

export async function dispatchRetraining(
  github: GitHubPort,
  request: RetrainRequest,
): Promise<RetrainResult> {
  const workflow = workflowKey(request.workflow);
  if (!Number.isFinite(request.cooldownMs) || request.cooldownMs < 0)
    throw new UserError(
      `The retraining cool-down must be a duration of zero or more; got ${quoteValue(request.cooldownMs)} ms.`,
    );
  const inputs = checkInputs(request.inputs);
  const where = `${github.repository.owner}/${github.repository.repo}`;
  const named = `"${workflow}" of ${where}`;

  const holding = request.cooldownMs > 0 ? await lastDispatch(github, request, named) : undefined;
  if (holding) {
    const until = new Date(Date.parse(holding.createdAt) + request.cooldownMs);
    return {
      dispatched: false,
      reason: `retraining was already dispatched ${ago(request.now, holding.createdAt)} (${holding.htmlUrl}); the cool-down of ${duration(request.cooldownMs)} lasts until ${until.toISOString()}`,
      lastRun: { url: holding.htmlUrl, createdAt: holding.createdAt },
    };
  }
  try {
    await github.dispatchWorkflow({ workflow, ref: request.ref, inputs });
  } catch (error) {
    throw refusal(error, named, request.ref) ?? error;
  }
  return {
    dispatched: true,
    reason: `dispatched the workflow ${named} on ${request.ref}${inputs.reason ? `: ${inputs.reason}` : ''}`,
  };
}

function checkInputs(given: Readonly<Record<string, string>>): Record<string, string> {
  const inputs = { ...given };
  if (Object.keys(inputs).length > INPUTS_LIMIT)
    throw new UserError(
      `GitHub takes at most ${INPUTS_LIMIT} inputs for a workflow_dispatch; the retraining dispatch was given ${Object.keys(inputs).length}.`,
    );
  if (inputs.reason !== undefined && inputs.reason.length > REASON_LIMIT)
    inputs.reason = `${inputs.reason.slice(0, REASON_LIMIT - 1)}…`;
  return inputs;
}

/** The newest run of the workflow dispatched within the cool-down, if any. */
async function lastDispatch(
  github: GitHubPort,
  request: RetrainRequest,
  named: string,
): Promise<WorkflowRun | undefined> {
  const since = request.now.getTime() - request.cooldownMs;
  try {
    for await (const run of github.listWorkflowRuns({
      workflow: workflowKey(request.workflow),
      event: 'workflow_dispatch',
      createdSince: new Date(since),
    })) {
      // GitHub's qualifier counts whole seconds: the window is checked to the millisecond here.
      if (Date.parse(run.createdAt) >= since) return run;
    }
    return undefined;
  } catch (error) {
    throw refusal(error, named, request.ref) ?? error;
  }
}

/** GitHub's refusals of a dispatch, as what the user must change; undefined for other failures. */
function refusal(error: unknown, named: string, ref: string): UserError | undefined {
  const status = statusOf(error);
  const message = String((error as Error).message ?? '').split(' - ')[0]!;
  if (isPermissionDenied(error))
    return new UserError(
      `GitHub refused to read or dispatch the retraining workflow ${named} (403: ${message}). The token needs "actions: write": add "permissions: actions: write" to the monitoring job (or use a token that has it).`,
    );
  if (status === 404)
    return new UserError(
      `GitHub has no workflow ${named} (404). The retraining workflow must be a file under .github/workflows on the default branch, with a trigger like:\n${EXPECTED_TRIGGER}\nCheck the name given for the retraining workflow.`,
    );
  if (status !== 422) return undefined;
  if (/workflow_dispatch/i.test(message) && /trigger/i.test(message))
    return new UserError(
      `The retraining workflow ${named} cannot be dispatched: it has no workflow_dispatch trigger (422). Add one with the inputs the monitor sends:\n${EXPECTED_TRIGGER}`,
    );
  if (/Unexpected inputs/i.test(message))
    return new UserError(
      `The retraining workflow ${named} does not declare the inputs the monitor sends (422: ${message}). Declare model-name, environment and reason under on.workflow_dispatch.inputs:\n${EXPECTED_TRIGGER}`,
    );
  if (/No ref found/i.test(message))
    return new UserError(
      `The retraining workflow ${named} cannot run on ${quoteValue(ref)}: GitHub has no such branch or tag (422). Dispatch it on an existing branch, e.g. the default branch.`,
    );
  return new UserError(
    `GitHub refused to dispatch the retraining workflow ${named} (422: ${message}). It needs an on.workflow_dispatch trigger with the inputs model-name, environment and reason:\n${EXPECTED_TRIGGER}`,
  );
}

/** A duration as people say it: 7 days, 1.5 hours, 90 seconds. */
function duration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  const [size, unit] = units.find(([size]) => ms >= size) ?? units.at(-1)!;
  const count = Math.round((ms / size) * 10) / 10;
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function ago(now: Date, createdAt: string): string {
  return `${duration(Math.max(1000, now.getTime() - Date.parse(createdAt)))} ago`;
}
