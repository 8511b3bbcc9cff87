import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isUserError, UserError } from '../../shared/action/errors.js';
import { repositoryFileReader, type ReadRepositoryFile } from '../../shared/github/contents.js';
import { createOctokitPort } from '../../shared/github/octokit-port.js';
import {
  repositoryPathOf,
  resolveGatePolicy,
  type PolicyRequest,
} from '../../shared/gates/policy-source.js';
import { EMPTY_POLICY } from '../../shared/gates/policy.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { tempDir } from '../helpers/temp-dir.js';
import { GitHubApiStandIn, OWNER, REPO } from '../../harness/stand-ins/github-api.js';

const BASE = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
const MERGE = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
const STRICT = 'metrics:\n  accuracy:\n    direction: higher\n    max-regression: 0.01\n';
const LOOSE = 'metrics:\n  accuracy:\n    direction: higher\n    max-regression: 0.2\n';

const workspace = await tempDir('mlops-policy-');
await writeFile(join(workspace, 'gates.yaml'), LOOSE);

/** A repository of two commits, read as the API would. */
const repository: Record<string, Record<string, string>> = {
  [BASE]: { 'gates.yaml': STRICT },
  [MERGE]: { 'gates.yaml': LOOSE, 'moved/gates.yaml': LOOSE },
};
const reads: string[] = [];
const readFile: ReadRepositoryFile = async (path, ref) => {
  reads.push(`${path}@${ref.slice(0, 7)}`);
  return repository[ref]?.[path];
};
const pullRequest = { baseRef: 'main', baseSha: BASE };
const request = (extra: Partial<PolicyRequest> = {}): PolicyRequest => ({
  path: 'gates.yaml',
  from: 'base',
  workspace,
  pullRequest,
  workspaceIsPullRequest: true,
  proposedRef: MERGE,
  readFile,
  ...extra,
});
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );

describe('repositoryPathOf', () => {
  it.each([
    ['gates.yaml', 'gates.yaml'],
    ['./models/churn//gates.yaml', 'models/churn/gates.yaml'],
    [`${'{workspace}'}/models/gates.yaml`, 'models/gates.yaml'],
  ])('takes %s as %s', (path, expected) => {
    expect(repositoryPathOf(path.replace('{workspace}', workspace), workspace)).toBe(expected);
  });

  it.each([
    ['../gates.yaml', /"\.\." is not allowed/],
    ['models/../../gates.yaml', /"\.\." is not allowed/],
    ['/etc/passwd', /lies outside the workspace/],
    ['.git/config', /under "\.git"/],
    ['models\\gates.yaml', /use "\/" between folders/],
    ['gates.yaml\n', /control character/],
    ['gates.yaml?ref=main', /"\?" or "#"/],
    ['.', /names the repository's root/],
  ])('refuses %j', (path, message) => {
    expect(() => repositoryPathOf(path, workspace)).toThrow(message);
    try {
      repositoryPathOf(path, workspace);
    } catch (error) {
      expect(isUserError(error)).toBe(true);
      expect((error as Error).message).toMatch(
        /Input "gates" is .*It must be a path inside the repository, relative to its root/,
      );
    }
  });
});

describe('resolveGatePolicy', () => {
  it("judges a pull request by the base branch's policy, and lists what the pull request loosens", async () => {
    const { policy, source } = await resolveGatePolicy(request());
    expect(policy.metrics.accuracy?.['max-regression']).toBe(0.01);
    expect(source).toMatchObject({
      kind: 'base',
      path: 'gates.yaml',
      baseSha: BASE,
      found: true,
      proposed: 'changed',
      more: 0,
    });
    expect(source?.kind === 'base' && source.changes).toEqual([
      {
        metric: 'accuracy',
        rule: 'max-regression',
        kind: 'loosens',
        effect: 'looser',
        from: '0.01',
        to: '0.2',
      },
    ]);
  });

  it('judges by no policy when the base branch has none, whatever the pull request adds', async () => {
    const { policy, source } = await resolveGatePolicy(
      request({ pullRequest: { baseRef: 'main', baseSha: MERGE.replace(/./, 'a') } }),
    );
    expect(policy).toEqual(EMPTY_POLICY);
    expect(source).toMatchObject({ found: false, proposed: 'added' });
  });

  it('uses the workspace file outside pull requests, and with gates-from: workspace', async () => {
    // Relative to the step's working directory, as before; on a runner that is the workspace.
    const path = join(workspace, 'gates.yaml');
    reads.length = 0;
    expect((await resolveGatePolicy(request({ path, pullRequest: undefined }))).source).toEqual({
      kind: 'workspace',
      path,
      optedOut: false,
    });
    const optedOut = await resolveGatePolicy(request({ path, from: 'workspace' }));
    expect(optedOut.policy.metrics.accuracy?.['max-regression']).toBe(0.2);
    expect(optedOut.source).toEqual({ kind: 'workspace', path, optedOut: true });
    expect(reads).toEqual([]);
  });

  it("reads the pull request's version at its merge commit when the job has no checkout of it", async () => {
    reads.length = 0;
    const { source } = await resolveGatePolicy(
      request({ path: 'moved/gates.yaml', pullRequest: { baseRef: 'main', baseSha: BASE } }),
    );
    expect(reads).toEqual([
      `moved/gates.yaml@${BASE.slice(0, 7)}`,
      `moved/gates.yaml@${MERGE.slice(0, 7)}`,
    ]);
    expect(source).toMatchObject({ found: false, proposed: 'added' });
    // pull_request_target checks out the base: the workspace's file is not the pull request's.
    reads.length = 0;
    await resolveGatePolicy(request({ workspaceIsPullRequest: false }));
    expect(reads).toEqual([`gates.yaml@${BASE.slice(0, 7)}`, `gates.yaml@${MERGE.slice(0, 7)}`]);
  });

  it("leaves the pull request's change unknown when its commit cannot be read, and still judges by the base", async () => {
    const unreadable: ReadRepositoryFile = async (path, ref) => {
      if (ref === MERGE)
        throw new UserError(
          'Could not read the file: the commit does not exist in the repository.',
        );
      return readFile(path, ref);
    };
    const { policy, source } = await resolveGatePolicy(
      request({ readFile: unreadable, workspaceIsPullRequest: false }),
    );
    expect(policy.metrics.accuracy?.['max-regression']).toBe(0.01);
    expect(source).toMatchObject({ proposed: 'unknown', changes: [] });
  });

  it("fails clearly without an API rather than trusting the pull request's file", async () => {
    const error = await failure(
      resolveGatePolicy(
        request({ readFile: undefined, noApi: 'no token was given ("github-token" is empty)' }),
      ),
    );
    expect(isUserError(error)).toBe(true);
    expect(error.message).toMatch(
      /judged by its base branch's gate policy "gates.yaml", read through the GitHub API, but no token was given .* or set "gates-from: workspace"/,
    );
    const noBase = await failure(resolveGatePolicy(request({ pullRequest: { baseRef: 'main' } })));
    expect(noBase.message).toMatch(
      /names no valid base commit for the pull request \(pull_request.base.sha\)/,
    );
  });

  it('reports an invalid pull-request policy, naming the file', async () => {
    await writeFile(
      join(workspace, 'broken.yaml'),
      'metrics:\n  accuracy:\n    direction: sideways\n',
    );
    repository[BASE]!['broken.yaml'] = STRICT;
    const error = await failure(resolveGatePolicy(request({ path: 'broken.yaml' })));
    expect(error.message).toMatch(
      /gate policy "broken.yaml" is not valid: "metrics.accuracy.direction" \(line 3\)/,
    );
  });
});

const github = await new GitHubApiStandIn().start();
afterAll(() => github.stop());
const read = repositoryFileReader(
  await createOctokitPort(
    GitHubApiStandIn.READ_WRITE_TOKEN,
    { owner: OWNER, repo: REPO },
    recordingRunner(),
    { GITHUB_API_URL: github.url },
  ),
);
github.commitFiles(BASE, { 'models/churn/gates.yaml': STRICT, 'README.md': '# Hello ünïcode\n' });

describe('repositoryFileReader against the REST stand-in', () => {
  it("reads a file at a commit, in folders, and says undefined for a missing one (GitHub's 404)", async () => {
    expect(await read('models/churn/gates.yaml', BASE)).toBe(STRICT);
    expect(await read('README.md', BASE)).toBe('# Hello ünïcode\n');
    expect(await read('models/churn/missing.yaml', BASE)).toBeUndefined();
    expect(github.log.at(-1)).toMatchObject({
      status: 404,
      operation: '/repos/{owner}/{repo}/contents/{path}',
    });
    expect(github.violations).toEqual([]);
  });

  it('refuses a folder and an unknown commit', async () => {
    expect((await failure(read('models', BASE))).message).toMatch(
      /The file "models" at f95f852bd8fc of Codertocat\/Hello-World is a folder in the repository; a file was expected/,
    );
    expect((await failure(read('gates.yaml', 'no-such-branch'))).message).toMatch(
      /the commit does not exist in the repository/,
    );
    expect(await read('gates.yaml', 'b'.repeat(40))).toBeUndefined();
    expect(github.violations).toEqual([]);
  });

  it('says which permission is missing when the token may not read', async () => {
    github.inject({
      method: 'GET',
      path: /\/contents\//,
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    expect((await failure(read('models/churn/gates.yaml', BASE))).message).toMatch(
      /Give the job "permissions: contents: read"/,
    );
  });
});
