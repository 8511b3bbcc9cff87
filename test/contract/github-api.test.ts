/**
 * The GitHub REST stand-in, driven by the suite's own client: every request body and response
 * is checked against GitHub's OpenAPI description, and the API's traps behave as on github.com.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createGitHubClient, isReadOnlyToken, statusOf } from '../../shared/github/client.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { GitHubApiStandIn, OWNER, REPO } from '../../harness/stand-ins/github-api.js';
import { checkRequestBody, checkResponse, example } from '../../harness/stand-ins/openapi.js';

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

describe('requests the suite makes, checked on both sides', () => {
  it('comments: identify, list every page, create, update, get, delete', async () => {
    expect(statusOf(await failure(client.rest.users.getAuthenticated()))).toBe(403);
    const created = await client.rest.issues.createComment({
      ...repo,
      issue_number: 7,
      body: 'first',
    });
    // 120 comments written through the API would take 6 minutes of Octokit's write throttling.
    github.comments.set(
      8,
      Array.from({ length: 120 }, (_, i) => ({
        ...structuredClone(created.data),
        id: 90_000 + i,
        body: `filler ${i}`,
      })),
    );
    const all = await client.paginate(client.rest.issues.listComments, {
      ...repo,
      issue_number: 8,
      per_page: 50,
    });
    expect(all.map((c) => c.body)).toEqual(Array.from({ length: 120 }, (_, i) => `filler ${i}`));
    expect(github.log.filter((e) => e.path.endsWith('/issues/8/comments')).length).toBe(3);
    const updated = await client.rest.issues.updateComment({
      ...repo,
      comment_id: created.data.id,
      body: 'second',
    });
    expect(updated.data.body).toBe('second');
    expect(
      (await client.rest.issues.getComment({ ...repo, comment_id: created.data.id })).data.body,
    ).toBe('second');
    await client.rest.issues.deleteComment({ ...repo, comment_id: created.data.id });
    expect(github.comments.get(7)).toEqual([]);
    expect(github.violations).toEqual([]);
  });

  it('deployments, statuses and environments', async () => {
    const { data: deployment, status } = await client.rest.repos.createDeployment({
      ...repo,
      ref: 'a'.repeat(40),
      task: 'model:churn',
      environment: 'staging',
      auto_merge: false,
      required_contexts: [],
      payload: { version: 'abc' },
    });
    expect(status).toBe(201);
    await client.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: (deployment as { id: number }).id,
      state: 'success',
      log_url: 'https://github.com/o/r/actions/runs/1',
      environment_url: '',
    });
    const listed = await client.rest.repos.listDeployments({
      ...repo,
      task: 'model:churn',
      environment: 'staging',
    });
    expect(listed.data.map((d) => d.id)).toEqual([(deployment as { id: number }).id]);
    expect(
      (
        await client.rest.repos.listDeploymentStatuses({
          ...repo,
          deployment_id: (deployment as { id: number }).id,
        })
      ).data[0]!.state,
    ).toBe('success');
    expect(
      (await client.rest.repos.getEnvironment({ ...repo, environment_name: 'production' })).data
        .name,
    ).toBe('production');
    expect(
      statusOf(
        await failure(client.rest.repos.getEnvironment({ ...repo, environment_name: 'prod' })),
      ),
    ).toBe(404);
    expect(github.violations).toEqual([]);
  });

  it('releases and their assets', async () => {
    const { data: release } = await client.rest.repos.createRelease({
      ...repo,
      tag_name: 'churn@abc123',
      name: 'churn abc123',
      body: 'model card',
    });
    const upload = await client.rest.repos.uploadReleaseAsset({
      ...repo,
      release_id: release.id,
      name: 'model.json',
      data: '{"w":1}' as unknown as string,
      headers: { 'content-type': 'application/json' },
      baseUrl: github.url,
    });
    expect(upload.data.size).toBe(7);
    expect(
      (await client.rest.repos.getReleaseByTag({ ...repo, tag: 'churn@abc123' })).data.assets.map(
        (a) => a.name,
      ),
    ).toEqual(['model.json']);
    expect(
      (await client.rest.repos.listReleaseAssets({ ...repo, release_id: release.id })).data,
    ).toHaveLength(1);
    expect(
      statusOf(
        await failure(client.rest.repos.createRelease({ ...repo, tag_name: 'churn@abc123' })),
      ),
    ).toBe(422);
    expect(github.violations).toEqual([]);
  });

  it('repository, pull request and commit', async () => {
    expect((await client.rest.repos.get(repo)).data.default_branch).toBe('main');
    expect((await client.rest.pulls.get({ ...repo, pull_number: 5 })).data.number).toBe(5);
    expect((await client.rest.repos.getCommit({ ...repo, ref: 'b'.repeat(40) })).data.sha).toBe(
      'b'.repeat(40),
    );
    expect(github.violations).toEqual([]);
  });
});

describe('the checks can fail', () => {
  it('a request with a wrong field is refused and recorded', async () => {
    const error = await failure(
      client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...repo,
        issue_number: 1,
        text: 'wrong field name',
      } as never),
    );
    expect(statusOf(error)).toBe(422);
    expect(github.violations.pop()).toMatch(
      /request body of issues\/create-comment: \(body\) must have required property 'body'/,
    );
  });

  it('a response with a wrong field is caught', () => {
    const comment = example('issue-comment');
    expect(
      checkResponse('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 201, comment),
    ).toBeUndefined();
    expect(
      checkResponse('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 201, {
        ...comment,
        id: 'not-a-number',
      }),
    ).toMatch(/\/id must be integer/);
    expect(
      checkResponse('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 201, {}),
    ).toMatch(/must have required property 'id'/);
    expect(
      checkResponse('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', 302, {}),
    ).toMatch(/does not document status 302/);
    expect(
      checkResponse('GET', '/repos/{owner}/{repo}/environments/{environment_name}', 404, {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com',
      }),
    ).toBeUndefined();
    expect(
      checkResponse('GET', '/repos/{owner}/{repo}/environments/{environment_name}', 404, {
        message: 42,
      }),
    ).toMatch(/error 404 of repos\/get-environment: \/message must be string/);
    expect(
      checkRequestBody('POST', '/repos/{owner}/{repo}/deployments', { ref: 'x', auto_merge: 'no' }),
    ).toMatch(/auto_merge must be boolean/);
    // "" is GitHub's documented default for unset status URLs; anything else must be a URI.
    const status = example('deployment-status');
    expect(
      checkResponse('POST', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, {
        ...status,
        target_url: '',
      }),
    ).toBeUndefined();
    expect(
      checkResponse('POST', '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, {
        ...status,
        target_url: 'not a uri',
      }),
    ).toMatch(/target_url must match format "uri"/);
  });
});

describe('GitHub semantics the stand-in models', () => {
  it('refuses writes with a read-only token, as on a pull request from a fork', async () => {
    const readOnly = await createGitHubClient(GitHubApiStandIn.READ_ONLY_TOKEN, log, {
      GITHUB_API_URL: github.url,
    });
    const error = await failure(
      readOnly.rest.issues.createComment({ ...repo, issue_number: 1, body: 'x' }),
    );
    expect(isReadOnlyToken(error)).toBe(true);
    expect((await readOnly.rest.issues.listComments({ ...repo, issue_number: 1 })).status).toBe(
      200,
    );
  });

  it('refuses a comment body over 65,536 characters', async () => {
    const error = await failure(
      client.rest.issues.createComment({ ...repo, issue_number: 1, body: 'x'.repeat(65_537) }),
    );
    expect(statusOf(error)).toBe(422);
    expect(String(error)).toMatch(/too long \(maximum is 65536 characters\)/);
  });

  it('answers 409 when required status contexts fail, and is not retried', async () => {
    const sha = 'c'.repeat(40);
    github.commitStatuses.set(sha, { 'ci/test': 'failure', 'ci/lint': 'success' });
    const before = github.log.length;
    expect(
      statusOf(
        await failure(client.rest.repos.createDeployment({ ...repo, ref: sha, auto_merge: false })),
      ),
    ).toBe(409);
    expect(github.log.length - before).toBe(1);
    expect(
      statusOf(
        await failure(
          client.rest.repos.createDeployment({
            ...repo,
            ref: sha,
            auto_merge: false,
            required_contexts: ['ci/test'],
          }),
        ),
      ),
    ).toBe(409);
    expect(
      (
        await client.rest.repos.createDeployment({
          ...repo,
          ref: sha,
          auto_merge: false,
          required_contexts: ['ci/lint'],
        })
      ).status,
    ).toBe(201);
  });

  it('merges instead of deploying when auto_merge is left on for a ref behind the default branch', async () => {
    github.refsBehindDefault.add('feature');
    const merged = await client.rest.repos.createDeployment({
      ...repo,
      ref: 'feature',
      required_contexts: [],
    });
    expect(merged.status).toBe(202);
    expect(
      (
        await client.rest.repos.createDeployment({
          ...repo,
          ref: 'feature',
          required_contexts: [],
          auto_merge: false,
        })
      ).status,
    ).toBe(201);
  });

  it('rejects a deployment status description over 140 characters', async () => {
    const { data } = await client.rest.repos.createDeployment({
      ...repo,
      ref: 'd'.repeat(40),
      auto_merge: false,
      required_contexts: [],
    });
    const error = await failure(
      client.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: (data as { id: number }).id,
        state: 'success',
        description: 'x'.repeat(141),
      }),
    );
    expect(statusOf(error)).toBe(422);
  });

  it('waits out a 429 with retry-after', async () => {
    github.inject({
      method: 'GET',
      path: /\/pulls\/11$/,
      status: 429,
      headers: { 'retry-after': '1' },
      body: {
        message: 'You have exceeded a secondary rate limit.',
        documentation_url: 'https://docs.github.com',
      },
    });
    expect((await client.rest.pulls.get({ ...repo, pull_number: 11 })).data.number).toBe(11);
    expect(github.log.filter((e) => e.path.endsWith('/pulls/11')).map((e) => e.status)).toEqual([
      429, 200,
    ]);
  });

  it('retries server errors on reads and waits out secondary rate limits', async () => {
    github.inject({ method: 'GET', path: /\/pulls\/9$/, status: 502 });
    github.inject({
      method: 'GET',
      path: /\/pulls\/9$/,
      ...GitHubApiStandIn.secondaryRateLimit(1),
    });
    expect((await client.rest.pulls.get({ ...repo, pull_number: 9 })).data.number).toBe(9);
    expect(github.log.filter((e) => e.path.endsWith('/pulls/9')).map((e) => e.status)).toEqual([
      502, 403, 200,
    ]);
  });
});
