/**
 * The GitHub REST stand-in as a fleet view reads it: many repositories of several owners (users
 * and organisations), their collaborators, organisation members and teams, deployments found
 * by GraphQL across repositories, and conditional requests (ETag, then 304). Requests go through
 * the suite's own Octokit client (@octokit/core with pagination, as the Octokit port uses it);
 * every response is checked against GitHub's OpenAPI description by the stand-in.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient, statusOf } from '../../shared/github/client.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { GitHubApiStandIn, OWNER, REPO } from '../../harness/stand-ins/github-api.js';

const github = await new GitHubApiStandIn().start();
afterAll(() => github.stop());
const client = (token = GitHubApiStandIn.READ_WRITE_TOKEN) =>
  createGitHubClient(token, recordingRunner(), { GITHUB_API_URL: github.url });
const app = await client();
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

// An organisation with members, an owner and a team, and a user; their repositories.
github.addOrganization('acme', {
  members: ['alice', 'bob', 'carol'],
  admins: ['olga'],
  publicMembers: ['alice'],
  basePermission: 'none',
});
github.addTeam('acme', 'ml-platform', {
  name: 'ML platform',
  members: ['bob'],
  maintainers: ['carol'],
  repositories: ['acme/churn'],
});
const day = (n: number) => new Date(Date.UTC(2026, 0, n)).toISOString();
const acmeNames = ['churn', 'fraud', 'ltv', 'search', 'ranking', 'forecast', 'vision'];
const acme = acmeNames.map((name, i) =>
  github.addRepository(`acme/${name}`, {
    createdAt: day(i + 1),
    pushedAt: day(20 - i),
    private: i % 3 === 1,
    archived: name === 'vision',
    fork: name === 'ranking',
  }),
);
const mona = [
  github.addRepository('mona/sandbox', { createdAt: day(1) }),
  github.addRepository('mona/secret-model', { createdAt: day(2), private: true }),
  github.addRepository('mona/another', { createdAt: day(3) }),
];
github.addUser('octocat');

// Each test checks the stand-in's answers; one that fails does not fail the next.
afterEach(() => {
  github.violations.splice(0);
});

describe('owners and their repositories', () => {
  it('tells users from organisations, and does not know strangers', async () => {
    const org = await app.rest.users.getByUsername({ username: 'ACME' });
    expect(org.data).toMatchObject({ login: 'acme', type: 'Organization' });
    // An owner met first as a repository's, then declared an organisation.
    github.addRepository('latecomer/models');
    github.addOrganization('latecomer');
    expect((await app.rest.repos.listForOrg({ org: 'latecomer' })).data[0]).toMatchObject({
      full_name: 'latecomer/models',
      owner: { login: 'latecomer', type: 'Organization' },
    });
    const user = await app.rest.users.getByUsername({ username: 'mona' });
    expect(user.data).toMatchObject({ login: 'mona', type: 'User', public_repos: 2 });
    expect(statusOf(await failure(app.rest.users.getByUsername({ username: 'nobody' })))).toBe(404);
    expect(github.violations).toEqual([]);
  });

  it("lists an organisation's repositories in pages, newest first, with the fields a fleet reads", async () => {
    const before = github.log.length;
    const listed = await app.paginate(app.rest.repos.listForOrg, {
      org: 'acme',
      type: 'all',
      per_page: 3,
    });
    // Seven repositories, three a page: three pages, each found by the previous one's Link.
    expect(github.log.slice(before).map((e) => e.status)).toEqual([200, 200, 200]);
    expect(listed.map((r) => r.full_name)).toEqual(
      [...acmeNames].reverse().map((name) => `acme/${name}`),
    );
    const vision = listed.find((r) => r.name === 'vision')!;
    expect(vision).toMatchObject({
      archived: true,
      fork: false,
      private: false,
      html_url: 'https://github.com/acme/vision',
      pushed_at: new Date(day(14)).toISOString(),
      owner: { login: 'acme', type: 'Organization' },
    });
    expect(vision.url).toBe(`${github.url}/repos/acme/vision`);
    expect(listed.find((r) => r.name === 'fraud')!.private).toBe(true);
    expect(listed.find((r) => r.name === 'ranking')!.fork).toBe(true);

    const sources = await app.paginate(app.rest.repos.listForOrg, {
      org: 'acme',
      type: 'sources',
      sort: 'full_name',
      per_page: 100,
    });
    expect(sources.map((r) => r.name)).toEqual(
      acmeNames.filter((name) => name !== 'ranking').sort(),
    );
    // A user is not an organisation.
    expect(statusOf(await failure(app.rest.repos.listForOrg({ org: 'mona' })))).toBe(404);
    expect(github.violations).toEqual([]);
  });

  it("lists only a user's public repositories, to any token, as GitHub documents", async () => {
    const before = github.log.length;
    const theirs = await app.paginate(app.rest.repos.listForUser, {
      username: 'mona',
      per_page: 1,
    });
    // By full name by default; two pages of one.
    expect(theirs.map((r) => r.full_name)).toEqual(['mona/another', 'mona/sandbox']);
    expect(github.log.slice(before).map((e) => e.status)).toEqual([200, 200]);
    expect(mona[1]!.private).toBe(true);
    github.addRepository('octocat/private-models', { private: true });
    github.addRepository('octocat/public-models');
    const personal = await client(GitHubApiStandIn.PERSONAL_TOKEN);
    const own = await personal.paginate(personal.rest.repos.listForUser, {
      username: 'octocat',
      per_page: 100,
    });
    expect(own.map((r) => [r.name, r.private])).toEqual([['public-models', false]]);
    expect(github.violations).toEqual([]);
  });
});

describe('collaborators, members and teams', () => {
  const collaborator = (repo: string, username: string) =>
    app.rest.repos
      .checkCollaborator({ owner: repo.split('/')[0]!, repo: repo.split('/')[1]!, username })
      .then(
        (answer) => answer.status as number,
        (error: unknown) => statusOf(error),
      );

  it('answers 204 for a collaborator and 404 for anyone else', async () => {
    acme[1]!.addCollaborator('dave');
    expect(await collaborator('acme/fraud', 'dave')).toBe(204);
    expect(await collaborator('acme/churn', 'dave')).toBe(404);
    // In an organisation without base permissions: its owners, and members of a team with access.
    expect(await collaborator('acme/churn', 'olga')).toBe(204);
    expect(await collaborator('acme/churn', 'Bob')).toBe(204);
    expect(await collaborator('acme/fraud', 'bob')).toBe(404);
    expect(await collaborator('acme/churn', 'alice')).toBe(404);
    // A user's repository: its owner.
    expect(await collaborator('mona/sandbox', 'mona')).toBe(204);
    expect(await collaborator('mona/sandbox', 'alice')).toBe(404);
    // Leaving the organisation leaves its teams.
    github.removeOrgMember('acme', 'bob');
    expect(await collaborator('acme/churn', 'bob')).toBe(404);
    github.addTeamMember('acme', 'ml-platform', 'bob');
    expect(await collaborator('acme/churn', 'bob')).toBe(204);
    // With base permissions every member is a collaborator of every repository.
    github.addOrganization('beta', { members: ['erin'] });
    github.addRepository('beta/models');
    expect(await collaborator('beta/models', 'erin')).toBe(204);
    expect(await collaborator('beta/models', 'alice')).toBe(404);
    expect(await collaborator('acme/nowhere', 'olga')).toBe(404);
    expect(github.violations).toEqual([]);
  });

  it("checks organisation membership as GitHub answers a member's token and a stranger's", async () => {
    const member = (username: string, asker = app) =>
      asker.rest.orgs.checkMembershipForUser({ org: 'acme', username }).then(
        (answer) => answer.status as number,
        (error: unknown) => statusOf(error),
      );
    // An installation token of the organisation sees private membership.
    expect(await member('carol')).toBe(204);
    expect(await member('dave')).toBe(404);
    // Anyone else is sent to the public membership (302), which Octokit follows.
    const stranger = await client(GitHubApiStandIn.PERSONAL_TOKEN);
    const before = github.log.length;
    expect(await member('alice', stranger)).toBe(204);
    expect(github.log.slice(before).map((e) => `${e.status} ${e.operation}`)).toEqual([
      '302 /orgs/{org}/members/{username}',
      '204 /orgs/{org}/public_members/{username}',
    ]);
    expect(await member('carol', stranger)).toBe(404);
    expect(github.violations).toEqual([]);
  });

  it('finds a team (200) or not (404), its members and their roles', async () => {
    const team = await app.rest.teams.getByName({ org: 'acme', team_slug: 'ml-platform' });
    expect(team.data).toMatchObject({
      slug: 'ml-platform',
      name: 'ML platform',
      organization: { login: 'acme' },
    });
    expect(
      statusOf(await failure(app.rest.teams.getByName({ org: 'acme', team_slug: 'nope' }))),
    ).toBe(404);
    expect(
      statusOf(await failure(app.rest.teams.getByName({ org: 'beta', team_slug: 'ml-platform' }))),
    ).toBe(404);
    const members = await app.paginate(app.rest.teams.listMembersInOrg, {
      org: 'acme',
      team_slug: 'ml-platform',
      per_page: 1,
    });
    expect(members.map((m) => m.login).sort()).toEqual(['bob', 'carol']);
    const maintainers = await app.rest.teams.listMembersInOrg({
      org: 'acme',
      team_slug: 'ml-platform',
      role: 'maintainer',
    });
    expect(maintainers.data.map((m) => m.login)).toEqual(['carol']);
    const membership = await app.rest.teams.getMembershipForUserInOrg({
      org: 'acme',
      team_slug: 'ml-platform',
      username: 'carol',
    });
    expect(membership.data).toMatchObject({ role: 'maintainer', state: 'active' });
    expect(
      statusOf(
        await failure(
          app.rest.teams.getMembershipForUserInOrg({
            org: 'acme',
            team_slug: 'ml-platform',
            username: 'alice',
          }),
        ),
      ),
    ).toBe(404);
    expect(github.violations).toEqual([]);
  });
});

describe("each repository's registry", () => {
  it('serves a seeded deployment, release and issue of another repository under its own name', async () => {
    const churn = acme[0]!;
    const sha = 'c'.repeat(40);
    const id = churn.addDeployment({
      sha,
      task: 'model:churn',
      environment: 'staging',
      payload: { version: 'v7' },
      creator: 'alice',
      createdAt: day(3),
      statuses: [
        { state: 'in_progress', createdAt: day(3) },
        { state: 'success', description: 'promoted', createdAt: day(4) },
      ],
    });
    const repo = { owner: 'acme', repo: 'churn' };
    const listed = await app.rest.repos.listDeployments({ ...repo, task: 'model:churn' });
    expect(listed.data).toHaveLength(1);
    expect(listed.data[0]).toMatchObject({
      id,
      sha,
      environment: 'staging',
      payload: { version: 'v7' },
      creator: { login: 'alice' },
      created_at: new Date(day(3)).toISOString(),
      url: `${github.url}/repos/acme/churn/deployments/${id}`,
    });
    const statuses = await app.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id });
    expect(statuses.data.map((s) => [s.state, s.description])).toEqual([
      ['success', 'promoted'],
      ['in_progress', ''],
    ]);
    // Not a deployment of the home repository, nor of another.
    expect(
      statusOf(
        await failure(
          app.rest.repos.getDeployment({ owner: OWNER, repo: REPO, deployment_id: id }),
        ),
      ),
    ).toBe(404);
    expect(
      (await app.rest.repos.listDeployments({ owner: 'acme', repo: 'fraud', task: 'model:churn' }))
        .data,
    ).toEqual([]);

    const release = churn.addRelease({
      tag: 'churn@v7',
      body: 'card',
      assets: [{ name: 'metrics.json', bytes: '{"auc":0.9}' }],
    });
    const byTag = await app.rest.repos.getReleaseByTag({ ...repo, tag: 'churn@v7' });
    expect(byTag.data).toMatchObject({
      id: release.id,
      html_url: 'https://github.com/acme/churn/releases/tag/churn%40v7',
    });
    const [asset] = byTag.data.assets;
    expect(asset).toMatchObject({ name: 'metrics.json', size: 11 });
    const bytes = await app.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...repo,
      asset_id: asset!.id,
      headers: { accept: 'application/octet-stream' },
    });
    expect(Buffer.from(bytes.data as unknown as ArrayBuffer).toString('utf8')).toBe('{"auc":0.9}');

    churn.seedIssue({
      title: 'churn: drifting',
      labels: ['model-monitoring'],
      login: 'alice',
      state: 'closed',
      stateReason: 'not_planned',
    });
    const issues = await app.rest.issues.listForRepo({
      ...repo,
      labels: 'model-monitoring',
      state: 'all',
    });
    expect(issues.data.map((i) => [i.number, i.state, i.state_reason, i.user?.login])).toEqual([
      [1, 'closed', 'not_planned', 'alice'],
    ]);
    expect(issues.data[0]!.url).toBe(`${github.url}/repos/acme/churn/issues/1`);
    expect(github.violations).toEqual([]);
  });

  it('lists by task, environment and sha from its own index, newest first', async () => {
    const models = github.addRepository('acme/registry');
    const ids: number[] = [];
    for (let version = 0; version < 30; version++)
      for (const environment of ['staging', 'production'])
        ids.push(
          models.addDeployment({
            sha: version.toString(16).padStart(40, '0'),
            task: `model:${version % 3 === 0 ? 'churn' : 'fraud'}`,
            environment,
            statuses: [{ state: 'success' }],
          }),
        );
    const repo = { owner: 'acme', repo: 'registry' };
    const churnProduction = await app.paginate(app.rest.repos.listDeployments, {
      ...repo,
      task: 'model:churn',
      environment: 'production',
      per_page: 4,
    });
    expect(churnProduction.map((d) => d.id)).toEqual(
      ids.filter((_, i) => Math.floor(i / 2) % 3 === 0 && i % 2 === 1).reverse(),
    );
    const bySha = await app.rest.repos.listDeployments({ ...repo, sha: '3'.padStart(40, '0') });
    expect(bySha.data.map((d) => d.environment)).toEqual(['production', 'staging']);
    expect(github.violations).toEqual([]);
  });

  it('finds deployments of two repositories with one GraphQL query', async () => {
    const home = github.seedDeployment(
      { ref: 'a'.repeat(40), task: 'model:home', environment: 'staging' },
      ['in_progress', 'success'],
    );
    const other = github.repository('mona/sandbox')!.addDeployment({
      sha: 'b'.repeat(40),
      task: 'model:sandbox',
      environment: 'production',
      statuses: [
        { state: 'success', description: 'ok', createdAt: day(5) },
        { state: 'failure', description: 'rolled back', createdAt: day(6) },
      ],
    });
    const nodeIds = [home, other].map(
      (id) => `DE_${id}`, // what REST answers as node_id
    );
    expect(
      (await app.rest.repos.getDeployment({ owner: 'mona', repo: 'sandbox', deployment_id: other }))
        .data.node_id,
    ).toBe(nodeIds[1]);
    const answer = await app.graphql<{
      nodes: ({
        databaseId: number;
        latestStatus: { state: string; description: string };
      } | null)[];
    }>(
      `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Deployment { databaseId latestStatus { state description } } } }`,
      { ids: [...nodeIds, 'DE_1'] },
    );
    expect(answer.nodes).toEqual([
      { databaseId: home, latestStatus: { state: 'SUCCESS', description: '' } },
      { databaseId: other, latestStatus: { state: 'FAILURE', description: 'rolled back' } },
      null,
    ]);
    const single = await app.graphql<{ node: Record<string, unknown> }>(
      `query($id: ID!) { node(id: $id) { ... on Deployment {
        databaseId task environment commitOid payload createdAt
        creator { login }
        repository { nameWithOwner owner { login } }
        statuses(last: 1) { totalCount nodes { state createdAt } }
      } } }`,
      { id: nodeIds[1] },
    );
    expect(single.node).toEqual({
      databaseId: other,
      task: 'model:sandbox',
      environment: 'production',
      commitOid: 'b'.repeat(40),
      payload: '{}',
      createdAt: expect.any(String),
      creator: { login: 'github-actions[bot]' },
      repository: { nameWithOwner: 'mona/sandbox', owner: { login: 'mona' } },
      statuses: {
        totalCount: 2,
        nodes: [{ state: 'FAILURE', createdAt: new Date(day(6)).toISOString() }],
      },
    });
    expect(github.violations).toEqual([]);
  });

  it('gives out ids unique across repositories', async () => {
    const ids = {
      deployment: [] as number[],
      release: [] as number[],
      asset: [] as number[],
      issue: [] as number[],
      comment: [] as number[],
    };
    for (const [index, repository] of [github.home, acme[2]!, acme[3]!].entries()) {
      ids.deployment.push(repository.addDeployment({ sha: 'd'.repeat(40), task: 'model:x' }));
      const release = repository.addRelease({
        tag: `x@${index}`,
        assets: [
          { name: 'a.json', bytes: '{}' },
          { name: 'b.json', bytes: '[]' },
        ],
      });
      ids.release.push(release.id);
      ids.asset.push(...release.assets.map((a) => a.id));
      // Seeded (Octokit spaces writes a second apart); issue numbers start again per repository.
      const issue = repository.seedIssue({ title: 'same number, another repository' });
      ids.issue.push(issue.id as number);
      const comment = await app.rest.issues.createComment({
        owner: repository.owner,
        repo: repository.name,
        issue_number: issue.number as number,
        body: 'hello',
      });
      ids.comment.push(Number(comment.data.id));
      expect(comment.data.url).toBe(
        `${github.url}/repos/${repository.fullName}/issues/comments/${comment.data.id}`,
      );
    }
    for (const list of Object.values(ids))
      expect(new Set(list).size).toBe(3 * (list === ids.asset ? 2 : 1));
    expect(github.violations).toEqual([]);
  });

  it('still serves the home repository as before', async () => {
    const repository = await app.rest.repos.get({ owner: OWNER, repo: REPO });
    expect(repository.data).toMatchObject({
      full_name: `${OWNER}/${REPO}`,
      default_branch: 'main',
    });
    expect(github.home.fullName).toBe(`${OWNER}/${REPO}`);
    expect(github.deployments.every((d) => d.url.includes(`/repos/${OWNER}/${REPO}/`))).toBe(true);
    expect(statusOf(await failure(app.rest.repos.get({ owner: 'acme', repo: 'missing' })))).toBe(
      404,
    );
    expect(github.violations).toEqual([]);
  });
});

describe('conditional requests', () => {
  it('tags every 200 with an ETag and answers 304 to a matching If-None-Match, which Octokit throws', async () => {
    const repo = { owner: 'acme', repo: 'ltv' };
    const ltv = acme[2]!;
    ltv.addDeployment({ sha: 'e'.repeat(40), task: 'model:ltv', statuses: [{ state: 'success' }] });
    const first = await app.rest.repos.listDeployments({ ...repo, task: 'model:ltv' });
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    const before = github.requestCounts('acme/ltv');
    const unchanged = await failure(
      app.rest.repos.listDeployments({
        ...repo,
        task: 'model:ltv',
        headers: { 'if-none-match': etag },
      }),
    );
    // @octokit/request throws a RequestError for a 304: what a caching port catches.
    expect(unchanged).toMatchObject({ name: 'HttpError', status: 304 });
    expect(
      (unchanged as { response: { data: unknown; headers: Record<string, string> } }).response
        .headers.etag,
    ).toBe(etag);
    expect(github.requestCounts('acme/ltv')).toEqual({
      ...before,
      rest: before.rest + 1,
      notModified: before.notModified + 1,
    });
    // A strong tag names the same body; another filter or page is another body.
    expect(
      statusOf(
        await failure(
          app.rest.repos.listDeployments({
            ...repo,
            task: 'model:ltv',
            headers: { 'if-none-match': etag.replace(/^W\//, '') },
          }),
        ),
      ),
    ).toBe(304);
    const other = await app.rest.repos.listDeployments({
      ...repo,
      task: 'model:other',
      headers: { 'if-none-match': etag },
    });
    expect(other.status).toBe(200);
    // A change answers 200 with a new tag.
    ltv.addDeployment({ sha: 'f'.repeat(40), task: 'model:ltv' });
    const changed = await app.rest.repos.listDeployments({
      ...repo,
      task: 'model:ltv',
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.data).toHaveLength(2);

    // Pages, accounts and GraphQL: every REST GET is tagged; the counts tell them apart.
    const all = github.requestCounts();
    const user = await app.rest.users.getByUsername({ username: 'mona' });
    expect(
      statusOf(
        await failure(
          app.rest.users.getByUsername({
            username: 'mona',
            headers: { 'if-none-match': user.headers.etag! },
          }),
        ),
      ),
    ).toBe(304);
    await app.graphql('query { viewer { login } }');
    expect(github.requestCounts()).toEqual({
      rest: all.rest + 2,
      graphql: all.graphql + 1,
      ok: all.ok + 1,
      notModified: all.notModified + 1,
    });
    expect(github.violations).toEqual([]);
  });
});

describe('a fleet seeded without HTTP', () => {
  it('holds 50 repositories × 10 models × 100 versions × 2 environments and lists one model from its index', async () => {
    const fleet = await new GitHubApiStandIn().start();
    try {
      fleet.addOrganization('fleet');
      const started = performance.now();
      for (let r = 0; r < 50; r++) {
        const repository = fleet.addRepository(`fleet/repo-${r}`);
        for (let m = 0; m < 10; m++)
          for (let v = 0; v < 100; v++) {
            const sha = (r * 100_000 + m * 1000 + v).toString(16).padStart(40, '0');
            for (const environment of ['staging', 'production'])
              repository.addDeployment({
                sha,
                task: `model:m${m}`,
                environment,
                payload: { version: `v${v}` },
                statuses: [{ state: 'in_progress' }, { state: 'success' }],
              });
          }
      }
      const seconds = (performance.now() - started) / 1000;
      // Generous for a shared machine: a quadratic seeding would take minutes.
      expect(seconds).toBeLessThan(30);
      const fleetClient = await createGitHubClient(
        GitHubApiStandIn.READ_WRITE_TOKEN,
        recordingRunner(),
        {
          GITHUB_API_URL: fleet.url,
        },
      );
      const listed = await fleetClient.paginate(fleetClient.rest.repos.listDeployments, {
        owner: 'fleet',
        repo: 'repo-49',
        task: 'model:m9',
        environment: 'production',
        per_page: 100,
      });
      expect(listed.map((d) => (d.payload as { version: string }).version)).toEqual(
        Array.from({ length: 100 }, (_, v) => `v${99 - v}`),
      );
      expect(new Set(listed.map((d) => d.sha)).size).toBe(100);
      expect(fleet.requestCounts('fleet/repo-49')).toMatchObject({ rest: 1, ok: 1 });
      expect(fleet.violations).toEqual([]);
    } finally {
      await fleet.stop();
    }
  });
});
