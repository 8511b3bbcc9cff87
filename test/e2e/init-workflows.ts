/**
 * Runs the jobs of a workflow file as GitHub would, offline, for the init end-to-end test: the
 * steps are read from the YAML that `init` wrote, not restated, so the test runs exactly what a
 * user would commit. mlops-actions steps run as built bundles through the harness (against the
 * stand-ins), `run:` steps in bash, and the runner's own actions are simulated:
 *   actions/checkout            a fresh git checkout of the repository (sparse or not)
 *   actions/setup-python|node   the machine's (a `python` on PATH that is Debian's python3)
 *   upload/download-artifact    a folder per artifact name
 *   mlops-actions' reusable workflows (a job's `uses:`): this checkout's .github/workflows file,
 *                               its jobs run with the caller's `with:` over the declared defaults
 * Installing (`python -m pip install`) is the tool folder's business: the test's `python` there
 * has the packages and downloads nothing. Expressions: steps.*.outputs.*, needs.*.outputs.*,
 * inputs.*, runner.temp; a step's `if:` may test an input against ''.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { commitCheckout } from '../../harness/runner/checkout.js';
import { REPOSITORY_ROOT, runBundle, type RunResult } from '../../harness/runner/run-bundle.js';
import type { StandIns, TokenKind } from '../../harness/stand-ins/index.js';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

interface Step {
  name?: string;
  if?: string;
  id?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
}

interface Job {
  name?: string;
  /** A reusable workflow the job calls, and its inputs. */
  uses?: string;
  with?: Record<string, string | number | boolean>;
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  outputs?: Record<string, string>;
  steps: Step[];
}

export interface Workflow {
  name: string;
  on?: {
    workflow_call?: { inputs?: Record<string, { default?: string | number | boolean }> };
  };
  jobs: Record<string, Job>;
}

export interface StepRun {
  job: string;
  step: string;
  /** The bundle's result, for mlops-actions steps. */
  result?: RunResult;
  skipped?: string;
}

export interface WorkflowContext {
  /** The repository (files as committed), copied into each job's checkout. */
  repository: string;
  /** Where the jobs' workspaces and the artifacts go. */
  root: string;
  standIns: StandIns;
  /** A folder with a `python` that runs Debian's python3 (as setup-python would give one). */
  toolPath: string;
  inputs?: Record<string, string>;
}

export async function readWorkflow(path: string): Promise<Workflow> {
  return parse(await readFile(path, 'utf8')) as Workflow;
}

class WorkflowStepError extends Error {}

/** Runs every job in the order of its `needs`, and returns each step's record. */
export async function runWorkflow(
  workflow: Workflow,
  context: WorkflowContext,
  label: string,
): Promise<StepRun[]> {
  const done: Record<string, Record<string, string>> = {};
  const runs: StepRun[] = [];
  const pending = Object.keys(workflow.jobs);
  while (pending.length) {
    const index = pending.findIndex((id) =>
      needsOf(workflow.jobs[id]!).every((need) => need in done),
    );
    if (index < 0) throw new Error(`jobs ${pending.join(', ')} wait on each other`);
    const [id] = pending.splice(index, 1);
    done[id!] = await runJob(workflow, id!, context, done, runs, label);
  }
  return runs;
}

function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : [job.needs].flat();
}

async function runJob(
  workflow: Workflow,
  id: string,
  context: WorkflowContext,
  needs: Record<string, Record<string, string>>,
  runs: StepRun[],
  label: string,
): Promise<Record<string, string>> {
  const job = workflow.jobs[id]!;
  if (job.uses) return callReusable(job, context, runs, `${label}-${id}`);
  const jobRoot = join(context.root, label, id);
  const workspace = join(jobRoot, 'workspace');
  const runnerTemp = join(jobRoot, 'runner-temp');
  await rm(jobRoot, { recursive: true, force: true });
  await mkdir(workspace, { recursive: true });
  await mkdir(runnerTemp, { recursive: true });
  const steps: Record<string, Record<string, string>> = {};
  const evaluate = (text: string) =>
    text.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expression: string) => {
      const [scope, name, kind, output] = expression.split('.');
      if (scope === 'steps' && kind === 'outputs') return steps[name!]?.[output!] ?? '';
      if (scope === 'needs' && kind === 'outputs') return needs[name!]?.[output!] ?? '';
      if (scope === 'inputs') return context.inputs?.[name!] ?? '';
      if (expression === 'runner.temp') return runnerTemp;
      throw new Error(`the workflow runner cannot evaluate \${{ ${expression} }}`);
    });
  // The job's token: what its permissions ask for (a job that asks for no write gets read-only).
  const token: TokenKind = Object.values(job.permissions ?? {}).includes('write')
    ? 'read-write'
    : 'read-only';
  const env = { PATH: `${context.toolPath}:${process.env.PATH ?? ''}` };
  for (const step of job.steps) {
    const record: StepRun = { job: id, step: evaluate(step.name ?? step.uses ?? 'run') };
    if (step.if !== undefined && !condition(step.if, context.inputs ?? {})) continue;
    runs.push(record);
    const inputs = Object.fromEntries(
      Object.entries(step.with ?? {}).map(([key, value]) => [key, evaluate(String(value))]),
    );
    if (step.uses?.startsWith('actions/checkout@')) {
      await cp(context.repository, workspace, {
        recursive: true,
        filter: (source) => !source.split('/').includes('.git'),
      });
      commitCheckout(workspace);
    } else if (/^actions\/setup-(python|node)@/.test(step.uses ?? '')) {
      record.skipped = 'the machine has it';
    } else if (step.uses?.startsWith('actions/upload-artifact@')) {
      await cp(resolve(workspace, inputs.path!), join(context.root, 'artifacts', inputs.name!), {
        recursive: true,
      });
    } else if (step.uses?.startsWith('actions/download-artifact@')) {
      await cp(join(context.root, 'artifacts', inputs.name!), join(workspace, inputs.path!), {
        recursive: true,
      });
    } else if (step.uses) {
      const action = /^mlops-actions\/mlops-actions\/actions\/([a-z-]+)@v1$/.exec(step.uses)?.[1];
      if (!action) throw new Error(`the workflow runner does not know ${step.uses}`);
      const result = await runBundle(action, {
        workspace,
        runnerTemp,
        standIns: context.standIns,
        job: `${label}-${id}`,
        token,
        env,
        inputs,
      });
      record.result = result;
      if (step.id) steps[step.id] = result.outputs;
      if (result.exitCode !== 0) {
        const errors = result.annotations.filter((a) => a.command === 'error');
        throw new WorkflowStepError(
          `${label} ${id} "${record.step}" failed (exit ${result.exitCode}): ${errors.map((a) => a.message).join(' | ') || result.stderr}`,
        );
      }
    } else if (step.run) {
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([key, value]) => [key, evaluate(value)]),
      );
      // As the runner runs a step (`bash --noprofile --norc -eo pipefail`), with no standard
      // input: bash reads ~/.bashrc when its input is a socket, which would change PATH.
      execFileSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', evaluate(step.run)], {
        cwd: workspace,
        env: {
          ...process.env,
          ...env,
          ...stepEnv,
          GITHUB_WORKSPACE: workspace,
          RUNNER_TEMP: runnerTemp,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        ...BOUNDED_CHILD,
      });
    }
  }
  return Object.fromEntries(
    Object.entries(job.outputs ?? {}).map(([key, value]) => [key, evaluate(value)]),
  );
}

/** `inputs.<name> != ''` or `== ''`: the only conditions the reusable workflows' steps use. */
function condition(expression: string, inputs: Record<string, string>): boolean {
  const match = /^inputs\.([\w-]+) (!=|==) ''$/.exec(expression.trim());
  if (!match) throw new Error(`the workflow runner cannot evaluate if: ${expression}`);
  const empty = (inputs[match[1]!] ?? '') === '';
  return match[2] === '==' ? empty : !empty;
}

/** A job that calls one of mlops-actions' reusable workflows: this checkout's file, run in place. */
async function callReusable(
  job: Job,
  context: WorkflowContext,
  runs: StepRun[],
  label: string,
): Promise<Record<string, string>> {
  const file = /^mlops-actions\/mlops-actions\/\.github\/workflows\/([\w.-]+)@v1$/.exec(
    job.uses!,
  )?.[1];
  if (!file) throw new Error(`the workflow runner does not know the reusable workflow ${job.uses}`);
  const called = await readWorkflow(join(REPOSITORY_ROOT, '.github', 'workflows', file));
  const declared = called.on?.workflow_call?.inputs ?? {};
  const evaluate = (text: string) =>
    text.replace(
      /\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g,
      (_, name: string) => context.inputs?.[name] ?? '',
    );
  const given = Object.fromEntries(
    Object.entries(job.with ?? {}).map(([key, value]) => {
      if (!(key in declared)) throw new Error(`${file} declares no input ${key}`);
      return [key, evaluate(String(value))];
    }),
  );
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(declared))
    inputs[name] = given[name] ?? (input.default === undefined ? '' : String(input.default));
  runs.push(...(await runWorkflow(called, { ...context, inputs }, label)));
  return {};
}
