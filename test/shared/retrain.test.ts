import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import { dispatchRetraining, type RetrainRequest } from '../../shared/monitor/retrain.js';
import { FakeGitHub, GitHubError, READ_ONLY_TOKEN } from '../fakes/github-port.js';

const NOW = new Date('2026-03-10T12:00:00Z');
const WEEK = 7 * 86_400_000;
const INPUTS = {
  'model-name': 'churn',
  environment: 'production',
  reason: 'drift in 5 of 12 features',
};

function repository(): FakeGitHub {
  const github = new FakeGitHub();
  github.seedWorkflow({
    path: '.github/workflows/retrain.yml',
    dispatchInputs: ['model-name', 'environment', 'reason'],
  });
  github.setClock(new Date(NOW.getTime() - 1000));
  return github;
}

const request = (overrides: Partial<RetrainRequest> = {}): RetrainRequest => ({
  workflow: 'retrain.yml',
  ref: 'main',
  inputs: INPUTS,
  cooldownMs: WEEK,
  now: NOW,
  ...overrides,
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error as Error,
  );

describe('retraining on cue', () => {
  it('dispatches once, then holds within the cool-down, and again once it has passed', async () => {
    const github = repository();
    const port = github.port();
    const first = await dispatchRetraining(port, request());
    expect(first).toMatchObject({ dispatched: true });
    expect(first.reason).toMatch(/retrain\.yml.*main: drift in 5 of 12 features/);
    expect(github.runs).toHaveLength(1);
    expect(github.runs[0]).toMatchObject({
      ref: 'main',
      inputs: INPUTS,
      event: 'workflow_dispatch',
    });

    const later = new Date(NOW.getTime() + 3 * 86_400_000);
    const held = await dispatchRetraining(port, request({ now: later }));
    expect(held).toMatchObject({
      dispatched: false,
      lastRun: { url: github.runs[0]!.htmlUrl, createdAt: github.runs[0]!.createdAt },
    });
    expect(held.reason).toMatch(/already dispatched 3 days ago/);
    expect(held.reason).toMatch(/cool-down of 7 days lasts until 2026-03-17T12:00:00.000Z/);
    expect(github.runs).toHaveLength(1);

    const afterWeek = new Date(NOW.getTime() + WEEK + 1000);
    github.setClock(afterWeek);
    expect(await dispatchRetraining(port, request({ now: afterWeek }))).toMatchObject({
      dispatched: true,
    });
    expect(github.runs).toHaveLength(2);
  });

  it('counts only runs dispatched within the window, to the millisecond; scheduled runs and other workflows do not hold it', async () => {
    const github = repository();
    github.seedWorkflow({ path: '.github/workflows/other.yml', dispatchInputs: [] });
    github.seedWorkflowRun({
      workflow: 'retrain.yml',
      event: 'schedule',
      createdAt: new Date(NOW.getTime() - 3_600_000),
    });
    github.seedWorkflowRun({
      workflow: 'other.yml',
      event: 'workflow_dispatch',
      createdAt: new Date(NOW.getTime() - 3_600_000),
    });
    // 400 ms before the window opens, within its second: GitHub's qualifier, to the second, returns it.
    github.seedWorkflowRun({
      workflow: 'retrain.yml',
      event: 'workflow_dispatch',
      createdAt: new Date(NOW.getTime() - WEEK + 300),
    });
    const port = github.port();
    expect(
      await dispatchRetraining(port, request({ now: new Date(NOW.getTime() + 700) })),
    ).toMatchObject({ dispatched: true });
    // A run started by hand within the window holds it, whatever the path or id the workflow is named by.
    const github2 = repository();
    github2.seedWorkflowRun({
      workflow: 'retrain.yml',
      event: 'workflow_dispatch',
      createdAt: new Date(NOW.getTime() - WEEK + 1000),
    });
    for (const workflow of ['.github/workflows/retrain.yml', String(github2.workflows[0]!.id)])
      expect(await dispatchRetraining(github2.port(), request({ workflow }))).toMatchObject({
        dispatched: false,
      });
    // No cool-down: every cue dispatches, and the runs are not read.
    expect(await dispatchRetraining(github2.port(), request({ cooldownMs: 0 }))).toMatchObject({
      dispatched: true,
    });
    expect(github2.calls.filter((c) => c === 'listWorkflowRuns')).toHaveLength(2);
  });

  it("turns GitHub's refusals into what to fix", async () => {
    const github = repository();
    github.seedWorkflow({ path: '.github/workflows/ci.yml' });
    github.seedWorkflow({ path: '.github/workflows/narrow.yml', dispatchInputs: ['model-name'] });
    const port = github.port();

    const missing = await refusal(dispatchRetraining(port, request({ workflow: 'nope.yml' })));
    expect(missing).toBeInstanceOf(UserError);
    expect(missing.message).toMatch(/no workflow "nope\.yml" of Codertocat\/Hello-World \(404\)/);
    expect(missing.message).toMatch(
      /workflow_dispatch:[\s\S]*model-name[\s\S]*environment[\s\S]*reason/,
    );

    const noTrigger = await refusal(dispatchRetraining(port, request({ workflow: 'ci.yml' })));
    expect(noTrigger).toBeInstanceOf(UserError);
    expect(noTrigger.message).toMatch(/"ci\.yml".*no workflow_dispatch trigger \(422\)/);
    expect(noTrigger.message).toMatch(/model-name/);

    const narrow = await refusal(dispatchRetraining(port, request({ workflow: 'narrow.yml' })));
    expect(narrow).toBeInstanceOf(UserError);
    expect(narrow.message).toMatch(/does not declare the inputs.*\["environment","reason"\]/);

    const ref = await refusal(dispatchRetraining(port, request({ ref: 'gone' })));
    expect(ref).toBeInstanceOf(UserError);
    expect(ref.message).toMatch(/cannot run on "gone"/);

    const readOnly = await refusal(dispatchRetraining(github.port(READ_ONLY_TOKEN), request()));
    expect(readOnly).toBeInstanceOf(UserError);
    expect(readOnly.message).toMatch(/permissions: actions: write/);
    expect(github.runs).toEqual([]);

    // Not a user's mistake: a server error is thrown as it came.
    github.inject('dispatchWorkflow', new GitHubError(502, 'Bad Gateway'));
    const serverError = await refusal(dispatchRetraining(port, request()));
    expect(serverError).not.toBeInstanceOf(UserError);
    expect((serverError as GitHubError).status).toBe(502);
  });

  it('checks what it is given before asking GitHub', async () => {
    const github = repository();
    const port = github.port();
    for (const workflow of ['../retrain.yml', 'retrain', 'a b.yml', ''])
      expect(await refusal(dispatchRetraining(port, request({ workflow })))).toBeInstanceOf(
        UserError,
      );
    expect(
      await refusal(dispatchRetraining(port, request({ cooldownMs: Number.NaN }))),
    ).toBeInstanceOf(UserError);
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`i${i}`, 'x']));
    expect((await refusal(dispatchRetraining(port, request({ inputs: many })))).message).toMatch(
      /at most 25 inputs/,
    );
    expect(github.calls).toEqual([]);
    // A long reason is cut to 1,000 characters.
    await dispatchRetraining(port, request({ inputs: { ...INPUTS, reason: 'r'.repeat(5000) } }));
    expect(github.runs[0]!.inputs!.reason).toHaveLength(1000);
  });
});
