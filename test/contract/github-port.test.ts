/**
 * The in-memory GitHub (test/fakes/github-port.ts) and the Octokit port over the HTTP stand-in
 * answer the same: the rules the domain's unit tests rely on are checked here against both, so
 * that a test over the fake says what the suite does against GitHub. The stand-in also checks
 * every request of the Octokit port against GitHub's OpenAPI description.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { isReadOnlyToken, statusOf } from '../../shared/github/client.js';
import { createOctokitPort } from '../../shared/github/octokit-port.js';
import type { GitHubPort } from '../../shared/github/port.js';
import {
  APP_TOKEN,
  FakeGitHub,
  PERSONAL,
  READ_ONLY_TOKEN,
  READ_WRITE,
  type FakeToken,
} from '../fakes/github-port.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { GitHubApiStandIn, OWNER, REPO } from '../../harness/stand-ins/github-api.js';

type Token = 'read-write' | 'read-only' | 'personal' | 'app';

interface Implementation {
  port(token?: Token): Promise<GitHubPort>;
  commitFiles(ref: string, files: Record<string, string>): void;
  openPullRequest(number: number, headSha: string): void;
  review(
    runId: number,
    review: {
      login: string;
      state: 'approved' | 'rejected';
      comment: string;
      environments: string[];
    },
  ): void;
  violations(): string[];
  /** The runner's deployment for a job that declares `environment:` (GitHub's default auto_inactive). */
  environmentJob(environment: string): void;
  /** The REST API the port answers at: release asset URLs name it. */
  apiUrl: string;
  /** An issue opened by another hand (or a pull request as the issues API lists it). */
  seedIssue(input: {
    title: string;
    labels?: string[];
    login?: string;
    state?: 'open' | 'closed';
    pullRequest?: boolean;
  }): void;
  seedWorkflow(workflow: { path: string; dispatchInputs?: string[] }): number;
  seedWorkflowRun(run: { workflow: string | number; event: string; createdAt: Date }): void;
  /** What is created from now on is stamped at (or, in the fake, a second after) `at`. */
  setClock(at: Date): void;
  /** How many pages of an issue or workflow-run listing were asked for so far. */
  pagesRead(listing: 'listIssues' | 'listWorkflowRuns'): number;
}

const standIn = await new GitHubApiStandIn().start();
afterAll(() => standIn.stop());
const standInTokens: Record<Token, string> = {
  'read-write': GitHubApiStandIn.READ_WRITE_TOKEN,
  'read-only': GitHubApiStandIn.READ_ONLY_TOKEN,
  personal: GitHubApiStandIn.PERSONAL_TOKEN,
  app: GitHubApiStandIn.APP_TOKEN,
};
const overHttp: Implementation = {
  port: (token = 'read-write') =>
    createOctokitPort(standInTokens[token], { owner: OWNER, repo: REPO }, recordingRunner(), {
      GITHUB_API_URL: standIn.url,
    }),
  commitFiles: (ref, files) => standIn.commitFiles(ref, files),
  openPullRequest: (number, headSha) => standIn.pullRequests.set(number, { headSha }),
  review: (runId, review) =>
    standIn.runReviews.set(runId, [...(standIn.runReviews.get(runId) ?? []), review]),
  violations: () => standIn.violations,
  environmentJob: (environment) => standIn.environmentJob(environment),
  apiUrl: standIn.url,
  seedIssue: (input) => void standIn.seedIssue(input),
  seedWorkflow: (workflow) => standIn.seedWorkflow(workflow),
  seedWorkflowRun: (run) => void standIn.seedWorkflowRun(run),
  setClock: (at) => {
    standIn.now = () => new Date(at);
  },
  pagesRead: (listing) =>
    standIn.log.filter(
      (entry) =>
        entry.method === 'GET' &&
        (listing === 'listIssues'
          ? /\/issues$/.test(entry.path)
          : /\/actions\/workflows\/[^/]+\/runs$/.test(entry.path)),
    ).length,
};

const fake = new FakeGitHub('https://api.example.test');
const fakeTokens: Record<Token, FakeToken> = {
  'read-write': READ_WRITE,
  'read-only': READ_ONLY_TOKEN,
  personal: PERSONAL,
  app: APP_TOKEN,
};
const inMemory: Implementation = {
  port: async (token = 'read-write') => fake.port(fakeTokens[token]),
  commitFiles: (ref, files) => fake.commitFiles(ref, files),
  openPullRequest: (number, headSha) => fake.pullRequests.set(number, { headSha }),
  review: (runId, review) =>
    fake.runReviews.set(runId, [...(fake.runReviews.get(runId) ?? []), review]),
  violations: () => [],
  environmentJob: (environment) => fake.environmentJob(environment),
  apiUrl: fake.apiUrl,
  seedIssue: (input) => void fake.seedIssue(input),
  seedWorkflow: (workflow) => fake.seedWorkflow(workflow),
  seedWorkflowRun: (run) => void fake.seedWorkflowRun(run),
  setClock: (at) => fake.setClock(at),
  pagesRead: (listing) => fake.calls.filter((operation) => operation === listing).length,
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
const SHA = 'c'.repeat(40);
const all = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const list: T[] = [];
  for await (const item of items) list.push(item);
  return list;
};

describe.each([
  ['the in-memory fake', inMemory],
  ['the Octokit port over the HTTP stand-in', overHttp],
])('%s', (_name, github) => {
  it('lists deployments newest first, by task and environment, with their latest status', async () => {
    const port = await github.port();
    const deploy = (task: string, environment: string) =>
      port.createDeployment({
        ref: SHA,
        task,
        environment,
        payload: { n: task },
        description: 'd',
        productionEnvironment: false,
      });
    const first = await deploy('model:port-a', 'staging');
    const second = await deploy('model:port-a', 'staging');
    await deploy('model:port-a', 'qa');
    await deploy('model:port-b', 'staging');
    await port.createDeploymentStatus(first.id, { state: 'in_progress', description: 'going' });
    await port.createDeploymentStatus(first.id, {
      state: 'success',
      description: 'done',
      logUrl: 'https://github.com/o/r/actions/runs/1',
    });
    const listed: number[] = [];
    for await (const d of port.listDeployments({ task: 'model:port-a', environment: 'staging' }))
      listed.push(d.id);
    expect(listed).toEqual([second.id, first.id]);
    const statuses = async () => await port.deploymentStatuses([first, second]);
    expect((await statuses()).get(first.id)).toEqual({
      latest: { state: 'success', description: 'done' },
      states: expect.arrayContaining(['in_progress', 'success']),
    });
    expect((await statuses()).get(second.id)).toEqual({ states: [] });
    // The first deployment keeps its success: the port's statuses are sent without auto_inactive.
    await port.createDeploymentStatus(second.id, { state: 'success', description: 'done' });
    expect((await statuses()).get(first.id)?.latest).toEqual({
      state: 'success',
      description: 'done',
    });
    // A job that declares the environment succeeds with GitHub's default auto_inactive: earlier
    // non-production deployments there are marked inactive, production ones are not.
    const production = await port.createDeployment({
      ref: SHA,
      task: 'model:port-a',
      environment: 'staging',
      payload: {},
      description: 'd',
      productionEnvironment: true,
    });
    await port.createDeploymentStatus(production.id, { state: 'success', description: 'done' });
    github.environmentJob('staging');
    const after = await port.deploymentStatuses([first, production]);
    expect(after.get(first.id)?.latest?.state).toBe('inactive');
    expect(after.get(first.id)?.states).toContain('success');
    expect(after.get(production.id)?.latest?.state).toBe('success');
    expect(first).toMatchObject({
      sha: SHA,
      task: 'model:port-a',
      environment: 'staging',
      payload: { n: 'model:port-a' },
      creator: 'github-actions[bot]',
    });
    expect(
      statusOf(
        await failure(
          port.createDeploymentStatus(first.id, { state: 'success', description: 'x'.repeat(141) }),
        ),
      ),
    ).toBe(422);
  });

  it("refuses writes with a read-only token, and names every kind of token's account", async () => {
    const readOnly = await github.port('read-only');
    const refused = await failure(readOnly.createComment(3, 'hello'));
    expect(statusOf(refused)).toBe(403);
    expect(isReadOnlyToken(refused)).toBe(true);
    expect(await (await github.port()).getAuthenticatedUser()).toBe('github-actions[bot]');
    expect(await (await github.port('personal')).getAuthenticatedUser()).toBe('octocat');
    expect(await (await github.port('app')).getAuthenticatedUser()).toBe('mlops-reporter[bot]');
    // GraphQL queries read: a fork's read-only token may send them.
    expect(await readOnly.getAuthenticatedUser()).toBe('github-actions[bot]');
    expect(await readOnly.deploymentStatuses([])).toEqual(new Map());
  });

  it("keeps comments within GitHub's limit and their authors' hands", async () => {
    const port = await github.port();
    const created = await port.createComment(4, 'first');
    expect(created).toMatchObject({ body: 'first', author: 'github-actions[bot]' });
    expect(statusOf(await failure(port.createComment(4, 'x'.repeat(65_537))))).toBe(422);
    expect(statusOf(await failure(port.updateComment(created.id, 'x'.repeat(65_537))))).toBe(422);
    expect(
      statusOf(
        await failure((await github.port('personal')).updateComment(created.id, 'taken over')),
      ),
    ).toBe(403);
    expect((await port.updateComment(created.id, 'second')).body).toBe('second');
    expect((await port.getComment(created.id)).body).toBe('second');
    expect((await all(port.listIssueComments(4))).map((c) => c.body)).toEqual(['second']);
    await port.deleteComment(created.id);
    expect(await all(port.listIssueComments(4))).toEqual([]);
  });

  it('finds a release by its tag only once published, and gives back the bytes of its assets', async () => {
    const port = await github.port();
    const draft = await port.createRelease({
      tag: 'port@111111111111',
      targetCommitish: SHA,
      name: 'port',
      body: 'b',
      draft: true,
    });
    expect(await port.getReleaseByTag('port@111111111111')).toBeUndefined();
    expect((await port.listReleases()).find((r) => r.tag === 'port@111111111111')).toMatchObject({
      id: draft.id,
      draft: true,
    });
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13]);
    const asset = await port.uploadReleaseAsset(draft, {
      name: 'model.bin',
      contentType: 'application/octet-stream',
      bytes,
    });
    expect(
      statusOf(
        await failure(
          port.uploadReleaseAsset(draft, {
            name: 'model.bin',
            contentType: 'application/octet-stream',
            bytes,
          }),
        ),
      ),
    ).toBe(422);
    await port.updateRelease(draft.id, { draft: false });
    const published = await port.getReleaseByTag('port@111111111111');
    expect(published?.assets).toEqual([asset]);
    expect(asset.url).toMatch(/\/repos\/Codertocat\/Hello-World\/releases\/assets\/\d+$/);
    expect((await port.downloadReleaseAsset(asset.id)).equals(bytes)).toBe(true);
    expect(
      statusOf(
        await failure(
          port.createRelease({
            tag: 'port@111111111111',
            targetCommitish: SHA,
            name: 'again',
            body: '',
            draft: true,
          }),
        ),
      ),
    ).toBe(422);
  });

  it('reads files at a commit: a file, a folder, a missing path and an unknown ref', async () => {
    github.commitFiles(SHA, { 'models/gates.yaml': 'metrics: {}\n' });
    const port = await github.port();
    const file = await port.getRepositoryContent('models/gates.yaml', SHA);
    expect(file).toMatchObject({ type: 'file', encoding: 'base64', size: 12 });
    expect('content' in file && Buffer.from(file.content, 'base64').toString()).toBe(
      'metrics: {}\n',
    );
    expect(await port.getRepositoryContent('models', SHA)).toEqual({ type: 'folder' });
    expect(statusOf(await failure(port.getRepositoryContent('models/missing.yaml', SHA)))).toBe(
      404,
    );
    const unknownRef = await failure(
      port.getRepositoryContent('models/gates.yaml', 'no-such-branch'),
    );
    expect(statusOf(unknownRef)).toBe(404);
    expect(String((unknownRef as Error).message)).toMatch(/No commit found/i);
  });

  it("reads pull requests and a run's review log", async () => {
    github.openPullRequest(12, 'd'.repeat(40));
    github.review(77, {
      login: 'alice',
      state: 'approved',
      comment: 'ship it',
      environments: ['production'],
    });
    const port = await github.port();
    expect(await port.getPullRequest(12)).toEqual({
      headSha: 'd'.repeat(40),
      baseRepository: `${OWNER}/${REPO}`,
    });
    expect(await port.getPullRequest(13)).toBeUndefined();
    expect(await port.listRunApprovals(77)).toEqual([
      { login: 'alice', state: 'approved', comment: 'ship it', environments: ['production'] },
    ]);
    expect(await port.listRunApprovals(78)).toEqual([]);
    expect(github.violations()).toEqual([]);
  });

  it('lists issues newest first by state, every label and creator, leaving pull requests out', async () => {
    const port = await github.port();
    github.seedIssue({ title: 'a pull request', labels: ['contract-a'], pullRequest: true });
    github.seedIssue({ title: 'theirs', labels: ['contract-a', 'Contract-B'], login: 'octocat' });
    const first = await port.createIssue({
      title: 'first',
      body: 'one',
      labels: ['contract-a', 'contract-b'],
    });
    const second = await port.createIssue({ title: 'second', body: 'two', labels: ['contract-a'] });
    // GitHub's label names are case-insensitive: the issue gets the label as the repository spells it.
    expect(first).toMatchObject({
      title: 'first',
      body: 'one',
      state: 'open',
      labels: ['contract-a', 'Contract-B'],
      author: 'github-actions[bot]',
    });
    expect(first.htmlUrl).toMatch(new RegExp(`/issues/${first.number}$`));
    expect(second.number).toBeGreaterThan(first.number);
    const titles = async (filter: Parameters<GitHubPort['listIssues']>[0]) =>
      (await all(port.listIssues(filter))).map((issue) => issue.title);
    expect(await titles({ state: 'open', labels: ['contract-a'] })).toEqual([
      'second',
      'first',
      'theirs',
    ]);
    expect(await titles({ state: 'open', labels: ['contract-a', 'contract-b'] })).toEqual([
      'first',
      'theirs',
    ]);
    expect(
      await titles({ state: 'open', labels: ['contract-a'], creator: 'github-actions[bot]' }),
    ).toEqual(['second', 'first']);
    expect(await titles({ state: 'closed', labels: ['contract-a'] })).toEqual([]);
    expect(github.violations()).toEqual([]);
  });

  it('edits, closes with a reason and reopens an issue; refuses a body over the limit and a read-only token', async () => {
    const port = await github.port();
    const opened = await port.createIssue({ title: 't', body: 'b', labels: ['contract-c'] });
    const edited = await port.updateIssue(opened.number, { title: 't2', body: 'b2' });
    expect(edited).toMatchObject({
      title: 't2',
      body: 'b2',
      state: 'open',
      labels: ['contract-c'],
    });
    // The reason is ignored unless the state changes, as GitHub documents.
    expect(
      (await port.updateIssue(opened.number, { stateReason: 'not_planned' })).stateReason,
    ).toBeUndefined();
    const closed = await port.updateIssue(opened.number, {
      state: 'closed',
      stateReason: 'completed',
    });
    expect(closed).toMatchObject({ state: 'closed', stateReason: 'completed' });
    const listed = async (state: 'open' | 'closed' | 'all') =>
      (await all(port.listIssues({ state, labels: ['contract-c'] }))).map((i) => i.number);
    expect(await listed('open')).toEqual([]);
    expect(await listed('closed')).toEqual([opened.number]);
    const reopened = await port.updateIssue(opened.number, { state: 'open' });
    expect(reopened).toMatchObject({ state: 'open', stateReason: 'reopened' });
    expect(await listed('all')).toEqual([opened.number]);
    expect((await port.updateIssue(opened.number, { labels: ['contract-d'] })).labels).toEqual([
      'contract-d',
    ]);
    const tooLong = 'x'.repeat(65_537);
    expect(
      statusOf(await failure(port.createIssue({ title: 't', body: tooLong, labels: [] }))),
    ).toBe(422);
    expect(statusOf(await failure(port.updateIssue(opened.number, { body: tooLong })))).toBe(422);
    expect(statusOf(await failure(port.updateIssue(999_999, { body: 'x' })))).toBe(404);
    const refused = await failure(
      (await github.port('read-only')).createIssue({ title: 't', body: 'b', labels: [] }),
    );
    expect(statusOf(refused)).toBe(403);
    expect(isReadOnlyToken(refused)).toBe(true);
    // Reading is allowed with a read-only token.
    expect(
      await all(
        (await github.port('read-only')).listIssues({ state: 'all', labels: ['contract-d'] }),
      ),
    ).toHaveLength(1);
    expect(github.violations()).toEqual([]);
  });

  it('reads issues page by page as they are consumed', async () => {
    for (let i = 0; i < 120; i++)
      github.seedIssue({ title: `filler ${i}`, labels: ['contract-page'] });
    const port = await github.port();
    const before = github.pagesRead('listIssues');
    expect(await all(port.listIssues({ state: 'open', labels: ['contract-page'] }))).toHaveLength(
      120,
    );
    expect(github.pagesRead('listIssues') - before).toBe(2);
    const start = github.pagesRead('listIssues');
    for await (const issue of port.listIssues({ state: 'open', labels: ['contract-page'] })) {
      expect(issue.title).toBe('filler 119');
      break;
    }
    expect(github.pagesRead('listIssues') - start).toBe(1);
  });

  it('dispatches a workflow and finds the run by event and creation time', async () => {
    github.setClock(new Date('2026-03-01T10:00:00Z'));
    const retrain = github.seedWorkflow({
      path: '.github/workflows/contract-retrain.yml',
      dispatchInputs: ['model-name', 'environment', 'reason'],
    });
    github.seedWorkflow({ path: '.github/workflows/contract-ci.yml' });
    github.seedWorkflowRun({
      workflow: 'contract-retrain.yml',
      event: 'workflow_dispatch',
      createdAt: new Date('2026-02-20T00:00:00Z'),
    });
    github.seedWorkflowRun({
      workflow: 'contract-retrain.yml',
      event: 'schedule',
      createdAt: new Date('2026-03-01T09:00:00Z'),
    });
    const port = await github.port();
    const inputs = { 'model-name': 'churn', environment: 'production', reason: 'drift' };
    await port.dispatchWorkflow({ workflow: 'contract-retrain.yml', ref: 'main', inputs });
    const since = (at: string) =>
      all(
        port.listWorkflowRuns({
          workflow: 'contract-retrain.yml',
          event: 'workflow_dispatch',
          createdSince: new Date(at),
        }),
      );
    const recent = await since('2026-02-28T00:00:00.750Z');
    expect(recent).toHaveLength(1);
    expect(recent[0]).toMatchObject({ event: 'workflow_dispatch' });
    expect(Date.parse(recent[0]!.createdAt)).toBeGreaterThanOrEqual(
      Date.parse('2026-03-01T10:00:00Z'),
    );
    expect(recent[0]!.htmlUrl).toMatch(new RegExp(`/actions/runs/${recent[0]!.id}$`));
    // By id too, newest first; the scheduled run is not a dispatch.
    const byId = await all(
      port.listWorkflowRuns({
        workflow: retrain,
        event: 'workflow_dispatch',
        createdSince: new Date('2026-02-01T00:00:00Z'),
      }),
    );
    expect(byId.map((r) => r.createdAt.slice(0, 10))).toEqual(['2026-03-01', '2026-02-20']);
    expect(await since('2026-03-01T10:00:05Z')).toEqual([]);
    expect(github.violations()).toEqual([]);
  });

  it('refuses a dispatch as GitHub does: unknown workflow, no trigger, unknown ref, undeclared or too many inputs, read-only token', async () => {
    github.seedWorkflow({
      path: '.github/workflows/contract-dispatch.yml',
      dispatchInputs: ['model-name', 'environment', 'reason'],
    });
    github.seedWorkflow({ path: '.github/workflows/contract-push.yml' });
    const port = await github.port();
    const dispatch = (workflow: string, inputs: Record<string, string>, ref = 'main') =>
      failure(port.dispatchWorkflow({ workflow, ref, inputs }));
    const missing = await dispatch('no-such.yml', {});
    expect(statusOf(missing)).toBe(404);
    expect(
      statusOf(
        await failure(
          all(
            port.listWorkflowRuns({
              workflow: 'no-such.yml',
              event: 'workflow_dispatch',
              createdSince: new Date(0),
            }),
          ),
        ),
      ),
    ).toBe(404);
    const noTrigger = await dispatch('contract-push.yml', {});
    expect(statusOf(noTrigger)).toBe(422);
    expect((noTrigger as Error).message).toMatch(/does not have 'workflow_dispatch' trigger/);
    const unexpected = await dispatch('contract-dispatch.yml', { 'model-name': 'm', extra: 'x' });
    expect(statusOf(unexpected)).toBe(422);
    expect((unexpected as Error).message).toMatch(/Unexpected inputs provided: \["extra"\]/);
    const noRef = await dispatch('contract-dispatch.yml', {}, 'no-such-branch');
    expect(statusOf(noRef)).toBe(422);
    expect((noRef as Error).message).toMatch(/No ref found for: no-such-branch/);
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`input-${i}`, 'x']));
    expect(statusOf(await dispatch('contract-dispatch.yml', many))).toBe(422);
    // The stand-in records a request its OpenAPI check refuses (inputs: maxProperties 25).
    github.violations().splice(0);
    const readOnly = await failure(
      (await github.port('read-only')).dispatchWorkflow({
        workflow: 'contract-dispatch.yml',
        ref: 'main',
        inputs: {},
      }),
    );
    expect(statusOf(readOnly)).toBe(403);
    expect(isReadOnlyToken(readOnly)).toBe(true);
    // Nothing was dispatched by any of these.
    expect(
      await all(
        port.listWorkflowRuns({
          workflow: 'contract-dispatch.yml',
          event: 'workflow_dispatch',
          createdSince: new Date(0),
        }),
      ),
    ).toEqual([]);
  });
});

describe.each([
  ['the in-memory fake', inMemory],
  ['the Octokit port over the HTTP stand-in', overHttp],
])('%s, failing', (_name, github) => {
  const requestOf = (error: unknown) => {
    const request = (error as { request?: { method?: string; url?: string } }).request;
    return request?.url && `${request.method} ${new URL(request.url).pathname}`;
  };

  it('names the request GitHub answered with an error, as the runner contract reports it', async () => {
    const missing = await failure(
      (await github.port()).createDeploymentStatus(999_999, { state: 'success', description: 'd' }),
    );
    expect(statusOf(missing)).toBe(404);
    expect(requestOf(missing)).toBe(`POST /repos/${OWNER}/${REPO}/deployments/999999/statuses`);
    const readOnly = await failure((await github.port('read-only')).createComment(5, 'hello'));
    expect(requestOf(readOnly)).toBe(`POST /repos/${OWNER}/${REPO}/issues/5/comments`);
    const noComment = await failure((await github.port()).updateComment(999_999, 'x'));
    expect(statusOf(noComment)).toBe(404);
    expect(requestOf(noComment)).toBe(`PATCH /repos/${OWNER}/${REPO}/issues/comments/999999`);
  });

  it('names release assets at the API it answers at (compare-metrics follows only those)', async () => {
    const port = await github.port();
    const release = await port.createRelease({
      tag: 'api@222222222222',
      targetCommitish: SHA,
      name: 'api',
      body: '',
      draft: true,
    });
    const asset = await port.uploadReleaseAsset(release, {
      name: 'metrics.json',
      contentType: 'application/json',
      bytes: Buffer.from('{}'),
    });
    expect(asset.url).toBe(
      `${github.apiUrl.replace(/\/$/, '')}/repos/${OWNER}/${REPO}/releases/assets/${asset.id}`,
    );
    expect(github.violations()).toEqual([]);
  });
});

describe('the Octokit port', () => {
  it("is opened on the API of the step's environment, not the process's", async () => {
    const { postPullRequestComment } = await import('../../shared/github/pull-request-comment.js');
    const { stepEnvironment } = await import('../../shared/action/context.js');
    const posted = await postPullRequestComment({
      repository: `${OWNER}/${REPO}`,
      pullRequestNumber: 21,
      token: GitHubApiStandIn.READ_WRITE_TOKEN,
      marker: '<!-- port -->',
      content: '<!-- port -->\nhello',
      bodyFile: 'comment.md',
      log: recordingRunner(),
      github: stepEnvironment({ GITHUB_API_URL: standIn.url }).github,
    });
    expect(posted).toMatchObject({ posted: true });
    expect(standIn.comments.get(21)?.map((c) => c.body)).toEqual(['<!-- port -->\nhello']);
  });
});
