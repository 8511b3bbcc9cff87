/**
 * The stand-in's issues and workflow endpoints, driven by the suite's own client (every request
 * and response checked against GitHub's OpenAPI description), and monitor-model's issue and
 * retraining dispatch through the Octokit port over it.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import { createGitHubClient, statusOf } from '../../shared/github/client.js';
import { createOctokitPort } from '../../shared/github/octokit-port.js';
import { readMonitorHistory, syncMonitorIssue } from '../../shared/monitor/monitor-issue.js';
import { dispatchRetraining } from '../../shared/monitor/retrain.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { GitHubApiStandIn, OWNER, REPO } from '../../harness/stand-ins/github-api.js';

const github = await new GitHubApiStandIn().start();
afterAll(() => github.stop());
const log = recordingRunner();
const client = await createGitHubClient(GitHubApiStandIn.READ_WRITE_TOKEN, log, {
  GITHUB_API_URL: github.url,
});
const repo = { owner: OWNER, repo: REPO };
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
beforeEach(() => {
  expect(github.violations).toEqual([]);
});

describe('issues on the stand-in', () => {
  it('lists issues and pull requests as GitHub does: filters, sort, direction and Link pages', async () => {
    const at = (day: number) => new Date(Date.UTC(2026, 1, day));
    github.seedIssue({ title: 'old', labels: ['raw-a'], createdAt: at(1) });
    github.seedIssue({ title: 'pr', labels: ['raw-a'], pullRequest: true, createdAt: at(2) });
    github.seedIssue({ title: 'closed', labels: ['raw-a'], state: 'closed', createdAt: at(3) });
    github.seedIssue({
      title: 'new',
      labels: ['raw-a', 'raw-b'],
      login: 'hubot',
      createdAt: at(4),
    });
    github.pullRequests.set(900, { headSha: 'd'.repeat(40) });
    const titles = async (query: Record<string, string | number>) =>
      (await client.rest.issues.listForRepo({ ...repo, ...query })).data.map((i) => i.title);
    expect(await titles({ labels: 'raw-a' })).toEqual(['new', 'pr', 'old']);
    expect(await titles({ labels: 'raw-a', direction: 'asc' })).toEqual(['old', 'pr', 'new']);
    expect(await titles({ labels: 'RAW-A,raw-b', state: 'all' })).toEqual(['new']);
    expect(await titles({ labels: 'raw-a', state: 'closed' })).toEqual(['closed']);
    expect(await titles({ labels: 'raw-a', creator: 'hubot' })).toEqual(['new']);
    // A pull request is listed with `pull_request`, and so is an open pull request of the repository.
    const listed = (await client.rest.issues.listForRepo({ ...repo, state: 'all' })).data;
    expect(listed.find((i) => i.title === 'pr')?.pull_request?.html_url).toMatch(/\/pull\/\d+$/);
    expect(listed.find((i) => i.number === 900)?.pull_request).toBeDefined();

    const first = await client.rest.issues.listForRepo({ ...repo, labels: 'raw-a', per_page: 2 });
    expect(first.data.map((i) => i.title)).toEqual(['new', 'pr']);
    expect(first.headers.link).toMatch(/page=2>; rel="next"/);
    expect(first.headers.link).toMatch(/page=2>; rel="last"/);
    const all = await client.paginate(client.rest.issues.listForRepo, {
      ...repo,
      labels: 'raw-a',
      per_page: 2,
    });
    expect(all.map((i) => i.title)).toEqual(['new', 'pr', 'old']);

    expect(
      statusOf(await failure(client.rest.issues.listForRepo({ ...repo, state: 'bogus' as 'all' }))),
    ).toBe(422);
    expect(github.violations.splice(0)).toEqual([
      expect.stringMatching(/state, sort or direction out of range/),
    ]);
  });

  it('creates labels on the fly, keeps close and reopen reasons, refuses bodies over the limit', async () => {
    const { data: issue, status } = await client.rest.issues.create({
      ...repo,
      title: 'raw',
      body: 'b',
      labels: ['raw-new-label', { name: 'raw-object-label' }],
    });
    expect(status).toBe(201);
    expect(issue.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual([
      'raw-new-label',
      'raw-object-label',
    ]);
    expect(github.labels.get('raw-new-label')).toMatchObject({ name: 'raw-new-label' });
    expect(issue.state_reason ?? null).toBeNull();
    const update = (change: Record<string, unknown>) =>
      client.rest.issues.update({ ...repo, issue_number: issue.number, ...change });
    expect((await update({ state: 'closed' })).data).toMatchObject({
      state: 'closed',
      state_reason: 'completed',
      closed_by: { login: 'github-actions[bot]' },
    });
    expect((await update({ state: 'open' })).data).toMatchObject({
      state: 'open',
      state_reason: 'reopened',
      closed_at: null,
    });
    expect((await update({ state: 'closed', state_reason: 'not_planned' })).data).toMatchObject({
      state_reason: 'not_planned',
    });
    expect(
      statusOf(
        await failure(client.rest.issues.create({ ...repo, title: 't', body: 'x'.repeat(65_537) })),
      ),
    ).toBe(422);
    expect(statusOf(await failure(update({ body: 'x'.repeat(65_537) })))).toBe(422);
    expect(github.violations).toEqual([]);
  });
});

describe('workflows on the stand-in', () => {
  it("dispatches (204, or 200 with the run's URLs) and lists runs by GitHub's date qualifiers, in pages", async () => {
    github.seedWorkflow({ path: '.github/workflows/raw.yml', dispatchInputs: ['reason'] });
    for (const day of [1, 2, 3])
      github.seedWorkflowRun({
        workflow: 'raw.yml',
        event: 'workflow_dispatch',
        createdAt: new Date(Date.UTC(2026, 1, day, 12)),
      });
    github.now = () => new Date('2026-03-01T10:00:00Z');
    const dispatched = await client.rest.actions.createWorkflowDispatch({
      ...repo,
      workflow_id: 'raw.yml',
      ref: 'refs/heads/main',
      inputs: { reason: 'drift' },
    });
    expect(dispatched.status).toBe(204);
    const details = await client.request(
      'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
      { ...repo, workflow_id: 'raw.yml', ref: 'main', return_run_details: true },
    );
    expect(details.status).toBe(200);
    expect((details.data as { html_url: string }).html_url).toMatch(/\/actions\/runs\/\d+$/);

    const days = async (created: string) =>
      (
        await client.rest.actions.listWorkflowRuns({ ...repo, workflow_id: 'raw.yml', created })
      ).data.workflow_runs.map((r) => r.created_at.slice(0, 10));
    expect(await days('>=2026-02-02T12:00:00Z')).toEqual([
      '2026-03-01',
      '2026-03-01',
      '2026-02-03',
      '2026-02-02',
    ]);
    expect(await days('>2026-02-02T12:00:00Z')).toEqual(['2026-03-01', '2026-03-01', '2026-02-03']);
    expect(await days('2026-02-02')).toEqual(['2026-02-02']);
    expect(await days('<2026-02-02')).toEqual(['2026-02-01']);
    expect(await days('<=2026-02-02')).toEqual(['2026-02-02', '2026-02-01']);
    expect(await days('2026-02-02..2026-02-03')).toEqual(['2026-02-03', '2026-02-02']);
    expect(await days('2026-02-03..*')).toEqual(['2026-03-01', '2026-03-01', '2026-02-03']);

    const page = await client.rest.actions.listWorkflowRuns({
      ...repo,
      workflow_id: 'raw.yml',
      per_page: 2,
    });
    expect(page.data.total_count).toBe(5);
    expect(page.headers.link).toMatch(/rel="next"/);
    const runs = await client.paginate(client.rest.actions.listWorkflowRuns, {
      ...repo,
      workflow_id: 'raw.yml',
      event: 'workflow_dispatch',
      per_page: 2,
    });
    expect(runs).toHaveLength(5);
    expect(github.violations).toEqual([]);

    // Milliseconds are not in GitHub's date syntax: the port sends whole seconds.
    expect(
      statusOf(
        await failure(
          client.rest.actions.listWorkflowRuns({
            ...repo,
            workflow_id: 'raw.yml',
            created: '>=2026-02-02T12:00:00.000Z',
          }),
        ),
      ),
    ).toBe(422);
    expect(github.violations.splice(0)).toEqual([
      expect.stringMatching(/is not GitHub's date syntax/),
    ]);
  });
});

describe("monitor-model's issue and retraining through the Octokit port", () => {
  it('opens, updates and closes one issue, and dispatches once within the cool-down', async () => {
    const port = await createOctokitPort(GitHubApiStandIn.READ_WRITE_TOKEN, repo, log, {
      GITHUB_API_URL: github.url,
    });
    const labels = ['monitoring', 'e2e-monitor'];
    // Someone else's issue with the same marker is left alone.
    const marker = '<!-- mlops-actions:monitor model=churn environment=production -->';
    const theirs = github.seedIssue({ title: 'copy', body: `${marker}\n`, labels });
    const sync = (day: number, unhealthy: boolean) =>
      syncMonitorIssue(port, {
        model: 'churn',
        environment: 'production',
        unhealthy,
        mode: 'on-failure',
        title: `churn: ${unhealthy ? 'drifting' : 'healthy'}`,
        entry: { status: unhealthy ? 'drifting' : 'healthy', driftShare: unhealthy ? 0.5 : 0 },
        renderBody: (history) => `${history.length} runs\n`,
        labels,
        closingComment: 'Healthy again.',
        now: new Date(Date.UTC(2026, 2, day)),
        log,
      });
    const opened = await sync(1, true);
    expect(opened).toMatchObject({ action: 'opened', reopened: false });
    const number = (opened as { number: number }).number;
    expect(await sync(2, true)).toMatchObject({ action: 'updated', number });
    expect(await sync(3, false)).toMatchObject({ action: 'closed', number });
    const ours = github.issues.find((i) => i.number === number)!;
    expect(ours).toMatchObject({
      state: 'closed',
      state_reason: 'completed',
      title: 'churn: healthy',
    });
    expect(github.comments.get(number)?.map((c) => c.body)).toEqual(['Healthy again.']);
    expect(readMonitorHistory(ours.body).map((h) => h.status)).toEqual([
      'drifting',
      'drifting',
      'healthy',
    ]);
    expect(github.issues.find((i) => i.number === theirs.number)).toMatchObject({
      body: `${marker}\n`,
      state: 'open',
    });

    github.seedWorkflow({
      path: '.github/workflows/e2e-retrain.yml',
      dispatchInputs: ['model-name', 'environment', 'reason'],
    });
    github.now = () => new Date('2026-03-01T10:00:00.250Z');
    const retrain = (now: string) =>
      dispatchRetraining(port, {
        workflow: '.github/workflows/e2e-retrain.yml',
        ref: 'main',
        inputs: { 'model-name': 'churn', environment: 'production', reason: 'drift' },
        cooldownMs: 86_400_000,
        now: new Date(now),
      });
    expect(await retrain('2026-03-01T10:00:00.250Z')).toMatchObject({ dispatched: true });
    expect(await retrain('2026-03-01T20:00:00Z')).toMatchObject({ dispatched: false });
    expect(await retrain('2026-03-02T10:00:01Z')).toMatchObject({ dispatched: true });
    expect(github.runs.filter((r) => r.path === '.github/workflows/e2e-retrain.yml')).toHaveLength(
      2,
    );

    const readOnly = await createOctokitPort(GitHubApiStandIn.READ_ONLY_TOKEN, repo, log, {
      GITHUB_API_URL: github.url,
    });
    await expect(
      dispatchRetraining(readOnly, {
        workflow: 'e2e-retrain.yml',
        ref: 'main',
        inputs: {},
        cooldownMs: 0,
        now: new Date(),
      }),
    ).rejects.toThrow(UserError);
    expect(github.violations).toEqual([]);
  });
});
