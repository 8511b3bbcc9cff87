/**
 * An in-memory GitHub for unit tests of the domain: the GitHub port over plain objects, with the
 * rules of GitHub's API that the domain depends on (the same ones the HTTP stand-in in
 * harness/stand-ins/github-api.ts models): newest-first listings, read-only tokens refused on
 * writes with 403, GraphQL's viewer naming every kind of token's account, GitHub's
 * `auto_inactive` rule for deployment statuses, the comment size limit and the
 * deployment status description limit (422), drafts not found by tag, unique tags and asset
 * names, another account's comment not editable, 404s for missing commits, paths and pull
 * requests, issues (pull requests in their listing, which the port drops; labels made on the
 * fly; close and reopen reasons; the body limit) and workflow dispatch (404 for an unknown
 * workflow, 422 for one without the trigger, an unknown ref or undeclared inputs; a dispatch
 * starts a run that the runs listing finds by event and creation time). What the requests look like on the wire (and whether GitHub's OpenAPI description
 * accepts them) is the HTTP stand-in's job: test/contract/github-api.test.ts.
 */
import type { Repository } from '../../shared/github/client.js';
import type {
  Deployment,
  DeploymentStatusSummary,
  GitHubPort,
  Issue,
  IssueComment,
  NewDeploymentRequest,
  NewDeploymentStatus,
  NewRelease,
  Release,
  ReleaseAsset,
  RepositoryContent,
  RunReview,
  WorkflowRun,
} from '../../shared/github/port.js';

/** A failure as Octokit throws it: the HTTP status, GitHub's message and the request it answered. */
export class GitHubError extends Error {
  /** As on Octokit's RequestError; the fake fills it in for the operation that failed. */
  request?: { method: string; url: string };

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const READ_ONLY = 'Resource not accessible by integration';

/** A workflow as it appears in its REST route: its id, or its file name. */
const workflowKey = (argument: unknown): string =>
  encodeURIComponent(
    String((argument as { workflow?: string | number } | undefined)?.workflow ?? ''),
  );
const COMMENT_BODY_LIMIT = 65_536;
/** Listings are read 100 a page, as octokit-port.ts asks for them. */
const PAGE = 100;
const STATUS_DESCRIPTION_LIMIT = 140;
/** Files over 1 MB come back from the contents API without their content. */
const CONTENT_LIMIT = 1024 * 1024;
/** GitHub's workflow_dispatch accepts at most 25 inputs. */
const DISPATCH_INPUTS_LIMIT = 25;

type Operation = Exclude<keyof GitHubPort, 'repository'>;

export interface FakeToken {
  /** Who the token writes as; the GITHUB_TOKEN writes as github-actions[bot]. */
  login: string;
  /** An installation token (GITHUB_TOKEN) may not read GET /user. */
  installation: boolean;
  /** A fork pull request's token may read, not write. */
  readOnly: boolean;
}

export const READ_WRITE: FakeToken = {
  login: 'github-actions[bot]',
  installation: true,
  readOnly: false,
};
export const READ_ONLY_TOKEN: FakeToken = { ...READ_WRITE, readOnly: true };
export const PERSONAL: FakeToken = { login: 'octocat', installation: false, readOnly: false };
/** A GitHub App's installation token (actions/create-github-app-token): it writes as `<slug>[bot]`. */
export const APP_TOKEN: FakeToken = {
  login: 'mlops-reporter[bot]',
  installation: true,
  readOnly: false,
};

const WRITES = new Set<Operation>([
  'createDeployment',
  'createDeploymentStatus',
  'createRelease',
  'updateRelease',
  'uploadReleaseAsset',
  'createComment',
  'updateComment',
  'deleteComment',
  'createIssue',
  'updateIssue',
  'dispatchWorkflow',
]);
const LISTINGS = new Set<Operation>([
  'listDeployments',
  'listIssueComments',
  'listIssues',
  'listWorkflowRuns',
]);

interface StoredComment extends IssueComment {
  issueNumber: number;
}

interface StoredIssue extends Issue {
  /** A pull request, as the issues API lists it: the port drops it. */
  pullRequest: boolean;
}

/** A workflow of the repository; `dispatchInputs` undefined: it has no `workflow_dispatch` trigger. */
interface FakeWorkflow {
  id: number;
  path: string;
  dispatchInputs?: string[];
}

interface StoredRun extends WorkflowRun {
  workflowId: number;
  /** What it was dispatched with (a seeded run has none). */
  ref?: string;
  inputs?: Record<string, string>;
}

/**
 * One repository's state, shared by every port opened on it (`port(token)`), so that a test can
 * write as one account and read as another.
 */
export class FakeGitHub {
  readonly repository: Repository = { owner: 'Codertocat', repo: 'Hello-World' };
  readonly deployments: (Deployment & {
    statuses: NewDeploymentStatus[];
    productionEnvironment: boolean;
  })[] = [];
  readonly releases: (Release & { bytes: Map<number, Buffer> })[] = [];
  readonly comments: StoredComment[] = [];
  /** Files by commit sha (or branch): what getRepositoryContent serves. */
  readonly files = new Map<string, Map<string, string | Buffer>>();
  readonly pullRequests = new Map<number, { headSha: string }>();
  readonly runReviews = new Map<number, RunReview[]>();
  /** What each deployment was created with (its description and production flag), by id. */
  readonly deploymentRequests = new Map<number, NewDeploymentRequest>();
  /** What each release was created with (its target commit, name and body), by id. */
  readonly releaseRequests = new Map<number, NewRelease>();
  /** Issues and pull requests, in the order they were opened (numbers shared with `pullRequests`). */
  readonly issues: StoredIssue[] = [];
  /** The repository's labels: lower-cased name → name as first written (GitHub's names are case-insensitive). */
  readonly labels = new Map<string, string>();
  /** Branches and tags a workflow may be dispatched on (besides the refs of `files`). */
  readonly branches = new Set<string>(['main']);
  readonly workflows: FakeWorkflow[] = [];
  /** Runs of the workflows, oldest first. */
  readonly runs: StoredRun[] = [];
  /** Every operation called, in order, with failures too. */
  readonly calls: Operation[] = [];
  /** Runs after each operation answers, before the caller continues: another writer's move, in a test. */
  afterCall?: (operation: Operation) => void;

  private readonly faults: { operation: Operation; error: Error }[] = [];
  private nextId = 1000;
  private clock = Date.parse('2026-01-01T00:00:00Z');

  /**
   * `apiUrl`: the REST API this GitHub answers at, which its asset URLs name. An in-process test
   * gives the step's GITHUB_API_URL, as the domain follows only asset URLs of the step's API.
   */
  constructor(readonly apiUrl = 'https://api.github.com') {}

  /** The writes called so far, in order (failed ones too). */
  writes(): Operation[] {
    return this.calls.filter((operation) => WRITES.has(operation));
  }

  /** The next call of `operation` fails with `error` (e.g. a 502), without effect. */
  inject(operation: Operation, error: Error): void {
    this.faults.push({ operation, error });
  }

  /**
   * What the runner records for a job that declares `environment:`: a deployment of task
   * `deploy` with a success status sent with GitHub's default `auto_inactive: true`, so every
   * earlier successful deployment to that environment name that is not marked
   * `production_environment` (nor transient) gets an `inactive` status (GitHub's documented rule).
   */
  environmentJob(environment: string, sha = 'e'.repeat(40)): number {
    const id = this.id();
    const productionEnvironment = environment === 'production';
    for (const earlier of this.deployments) {
      if (
        earlier.environment === environment &&
        !earlier.productionEnvironment &&
        earlier.statuses.at(-1)?.state === 'success'
      )
        earlier.statuses.push({ state: 'inactive', description: '' });
    }
    this.deployments.push({
      id,
      nodeId: `DE_${id}`,
      sha,
      task: 'deploy',
      environment,
      payload: '',
      createdAt: this.now(),
      creator: 'github-actions[bot]',
      productionEnvironment,
      statuses: [{ state: 'success', description: '' }],
    });
    return id;
  }

  /** Sets the clock: what is created next is stamped a second after `at`. */
  setClock(at: Date): void {
    this.clock = at.getTime();
  }

  /** As the stand-in's seedWorkflow: without `dispatchInputs` the workflow has no `workflow_dispatch` trigger. */
  seedWorkflow(workflow: { path: string; dispatchInputs?: string[] }): number {
    const id = this.id();
    this.workflows.push({
      id,
      path: workflow.path,
      ...(workflow.dispatchInputs ? { dispatchInputs: [...workflow.dispatchInputs] } : {}),
    });
    return id;
  }

  /** A run of a seeded workflow at `createdAt` (an earlier dispatch, a scheduled run). */
  seedWorkflowRun(run: { workflow: string | number; event: string; createdAt: Date }): StoredRun {
    const workflow = this.workflowOf(run.workflow);
    if (!workflow) throw new Error(`The fake has no workflow ${run.workflow}`);
    return this.recordRun(workflow, run.event, run.createdAt.toISOString());
  }

  /** As the stand-in's seedIssue: another account's issue, a closed one, or a pull request as the issues API lists it. */
  seedIssue(input: {
    title: string;
    body?: string;
    labels?: string[];
    login?: string;
    state?: 'open' | 'closed';
    pullRequest?: boolean;
    createdAt?: Date;
  }): Issue {
    const issue = this.newIssue(
      input.title,
      input.body ?? '',
      input.labels ?? [],
      input.login ?? 'octocat',
      input.createdAt?.toISOString() ?? this.now(),
      input.pullRequest ?? false,
    );
    if (input.state === 'closed')
      Object.assign(issue, { state: 'closed', stateReason: 'completed' });
    return structuredClone(issue);
  }

  commitFiles(ref: string, files: Record<string, string | Buffer>): void {
    const tree = this.files.get(ref) ?? new Map<string, string | Buffer>();
    for (const [path, content] of Object.entries(files)) tree.set(path, content);
    this.files.set(ref, tree);
  }

  port(token: FakeToken = READ_WRITE): GitHubPort {
    const operations = this.operations(token);
    const guarded = {} as Record<Operation, unknown>;
    for (const [name, operation] of Object.entries(operations) as [
      Operation,
      (...args: unknown[]) => unknown,
    ][]) {
      guarded[name] = LISTINGS.has(name)
        ? (...args: unknown[]) =>
            this.guardIterable(
              name,
              token,
              () => operation(...args) as AsyncIterable<unknown>,
              args,
            )
        : (...args: unknown[]) => this.guard(name, token, () => operation(...args), args);
    }
    return { repository: this.repository, ...(guarded as Omit<GitHubPort, 'repository'>) };
  }

  private async guard<T>(
    operation: Operation,
    token: FakeToken,
    body: () => T | Promise<T>,
    args: unknown[] = [],
  ): Promise<T> {
    this.calls.push(operation);
    const fault = this.faults.findIndex((f) => f.operation === operation);
    let answer: T;
    try {
      if (fault >= 0) throw this.faults.splice(fault, 1)[0]!.error;
      if (token.readOnly && WRITES.has(operation)) throw new GitHubError(403, READ_ONLY);
      answer = await body();
    } catch (error) {
      throw this.withRequest(error, operation, args);
    }
    // A copy, as an answer over HTTP would be: the caller cannot change the fake's state through it.
    const result = Buffer.isBuffer(answer) ? (Buffer.from(answer) as T) : structuredClone(answer);
    this.afterCall?.(operation);
    return result;
  }

  /**
   * A listing read page by page (100 a page) as it is consumed, as the REST API serves it: each
   * page is one call, and a consumer that stops early never asks for the next.
   */
  private async *guardIterable<T>(
    operation: Operation,
    token: FakeToken,
    body: () => AsyncIterable<T>,
    args: unknown[],
  ): AsyncIterable<T> {
    const all: T[] = [];
    for await (const item of body()) all.push(item);
    for (let start = 0; start === 0 || start < all.length; start += PAGE) {
      const page = await this.guard(operation, token, () => all.slice(start, start + PAGE), args);
      yield* page;
    }
  }

  /**
   * An HTTP failure names the request it answered, as Octokit's RequestError does (the runner
   * contract reports "GitHub answered 502 to POST /repos/…"); a test's injected error gets it too.
   */
  private withRequest(error: unknown, operation: Operation, args: unknown[]): unknown {
    if (!(error instanceof GitHubError) || error.request) return error;
    const [method, path] = this.route(operation, args);
    const host = operation === 'uploadReleaseAsset' ? 'https://uploads.github.com' : this.apiUrl;
    error.request = { method, url: `${host.replace(/\/$/, '')}${path}` };
    return error;
  }

  /** The REST route of each operation, as octokit-port.ts calls it. */
  private route(operation: Operation, args: unknown[]): [string, string] {
    const repo = `/repos/${this.repository.owner}/${this.repository.repo}`;
    const [first] = args;
    const id = typeof first === 'object' && first !== null ? (first as { id: number }).id : first;
    const routes: Record<Operation, [string, string]> = {
      getAuthenticatedUser: ['POST', '/graphql'],
      listDeployments: ['GET', `${repo}/deployments`],
      deploymentStatuses: ['POST', '/graphql'],
      createDeployment: ['POST', `${repo}/deployments`],
      createDeploymentStatus: ['POST', `${repo}/deployments/${id}/statuses`],
      getReleaseByTag: ['GET', `${repo}/releases/tags/${encodeURIComponent(String(id))}`],
      listReleases: ['GET', `${repo}/releases`],
      createRelease: ['POST', `${repo}/releases`],
      updateRelease: ['PATCH', `${repo}/releases/${id}`],
      uploadReleaseAsset: ['POST', `${repo}/releases/${id}/assets`],
      downloadReleaseAsset: ['GET', `${repo}/releases/assets/${id}`],
      listIssueComments: ['GET', `${repo}/issues/${id}/comments`],
      getComment: ['GET', `${repo}/issues/comments/${id}`],
      createComment: ['POST', `${repo}/issues/${id}/comments`],
      updateComment: ['PATCH', `${repo}/issues/comments/${id}`],
      deleteComment: ['DELETE', `${repo}/issues/comments/${id}`],
      getPullRequest: ['GET', `${repo}/pulls/${id}`],
      getRepositoryContent: ['GET', `${repo}/contents/${String(id)}`],
      listRunApprovals: ['GET', `${repo}/actions/runs/${id}/approvals`],
      listIssues: ['GET', `${repo}/issues`],
      createIssue: ['POST', `${repo}/issues`],
      updateIssue: ['PATCH', `${repo}/issues/${id}`],
      dispatchWorkflow: ['POST', `${repo}/actions/workflows/${workflowKey(first)}/dispatches`],
      listWorkflowRuns: ['GET', `${repo}/actions/workflows/${workflowKey(first)}/runs`],
    };
    return routes[operation];
  }

  private id(): number {
    return this.nextId++;
  }

  private now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private repoApiUrl(path: string): string {
    return `${this.apiUrl.replace(/\/$/, '')}/repos/${this.repository.owner}/${this.repository.repo}${path}`;
  }

  private release(id: number) {
    const release = this.releases.find((r) => r.id === id);
    if (!release) throw new GitHubError(404, 'Not Found');
    return release;
  }

  private nextIssueNumber(): number {
    return Math.max(0, ...this.issues.map((i) => i.number), ...this.pullRequests.keys()) + 1;
  }

  /** A label's name as the repository spells it, created on first use (GitHub does so for a writer). */
  private label(name: string): string {
    const key = name.toLowerCase();
    if (!this.labels.has(key)) this.labels.set(key, name);
    return this.labels.get(key)!;
  }

  private newIssue(
    title: string,
    body: string,
    labels: string[],
    login: string,
    createdAt: string,
    pullRequest: boolean,
  ): StoredIssue {
    const number = this.nextIssueNumber();
    const issue: StoredIssue = {
      number,
      title,
      body,
      state: 'open',
      labels: labels.map((name) => this.label(name)),
      htmlUrl: `https://github.com/${this.repository.owner}/${this.repository.repo}/${pullRequest ? 'pull' : 'issues'}/${number}`,
      author: login,
      createdAt,
      pullRequest,
    };
    this.issues.push(issue);
    return issue;
  }

  private workflowOf(key: string | number): FakeWorkflow | undefined {
    return this.workflows.find((w) =>
      typeof key === 'number' || /^\d+$/.test(key)
        ? w.id === Number(key)
        : w.path.split('/').pop() === key,
    );
  }

  private recordRun(
    workflow: FakeWorkflow,
    event: string,
    createdAt: string,
    dispatched?: { ref: string; inputs: Record<string, string> },
  ): StoredRun {
    const id = this.id();
    const run: StoredRun = {
      id,
      event,
      status: 'queued',
      htmlUrl: `https://github.com/${this.repository.owner}/${this.repository.repo}/actions/runs/${id}`,
      createdAt,
      workflowId: workflow.id,
      ...dispatched,
    };
    this.runs.push(run);
    return run;
  }

  private comment(id: number): StoredComment {
    const comment = this.comments.find((c) => c.id === id);
    if (!comment) throw new GitHubError(404, 'Not Found');
    return comment;
  }

  private operations(token: FakeToken): Omit<GitHubPort, 'repository'> {
    const publicRelease = ({
      bytes: _bytes,
      ...release
    }: FakeGitHub['releases'][number]): Release => release;
    const publicComment = ({ issueNumber: _issue, ...comment }: StoredComment): IssueComment =>
      comment;
    const publicIssue = ({ pullRequest: _pr, ...issue }: StoredIssue): Issue => issue;
    const checkBody = (body: string) => {
      if (body.length > COMMENT_BODY_LIMIT)
        throw new GitHubError(
          422,
          `Validation Failed: body is too long (maximum is ${COMMENT_BODY_LIMIT} characters)`,
        );
    };
    return {
      // GraphQL's viewer: every kind of token (GET /user would refuse installation tokens).
      getAuthenticatedUser: async () => token.login,

      listDeployments: (filter) => {
        const matching = this.deployments.filter(
          (d) =>
            (filter.task === undefined || d.task === filter.task) &&
            (filter.environment === undefined || d.environment === filter.environment) &&
            (filter.sha === undefined || d.sha === filter.sha),
        );
        return (async function* () {
          for (const {
            statuses: _statuses,
            productionEnvironment: _production,
            ...deployment
          } of matching.reverse())
            yield deployment;
        })();
      },
      deploymentStatuses: async (deployments) => {
        const summaries = new Map<number, DeploymentStatusSummary>();
        for (const { id } of deployments) {
          const deployment = this.deployments.find((d) => d.id === id);
          if (!deployment) continue;
          const latest = deployment.statuses.at(-1);
          summaries.set(id, {
            ...(latest ? { latest: { state: latest.state, description: latest.description } } : {}),
            states: deployment.statuses.slice(0, 10).map((status) => status.state),
          });
        }
        return summaries;
      },
      createDeployment: async (request: NewDeploymentRequest) => {
        const id = this.id();
        const deployment = {
          id,
          nodeId: `DE_${id}`,
          sha: request.ref,
          task: request.task,
          environment: request.environment,
          payload: request.payload,
          createdAt: this.now(),
          creator: token.login,
        };
        this.deployments.push({
          ...deployment,
          statuses: [],
          productionEnvironment: request.productionEnvironment,
        });
        this.deploymentRequests.set(deployment.id, structuredClone(request));
        return deployment;
      },
      createDeploymentStatus: async (deploymentId, status) => {
        const deployment = this.deployments.find((d) => d.id === deploymentId);
        if (!deployment) throw new GitHubError(404, 'Not Found');
        if (status.description.length > STATUS_DESCRIPTION_LIMIT)
          throw new GitHubError(
            422,
            `Validation Failed: description is too long (maximum is ${STATUS_DESCRIPTION_LIMIT} characters)`,
          );
        deployment.statuses.push(status);
        // The port sends auto_inactive: false; the rule is GitHub's for every other writer
        // (the runner's deployments of environment jobs): see environmentJob.
      },

      // As on GitHub, a draft is not found by its tag: it has no tag until it is published.
      getReleaseByTag: async (tag) => {
        const release = this.releases.find((r) => r.tag === tag && !r.draft);
        return release && publicRelease(release);
      },
      listReleases: async () => [...this.releases].reverse().map(publicRelease),
      createRelease: async (request: NewRelease) => {
        if (this.releases.some((r) => r.tag === request.tag))
          throw new GitHubError(422, 'Validation Failed: tag_name already_exists');
        const id = this.id();
        const release = {
          id,
          tag: request.tag,
          draft: request.draft,
          htmlUrl: `https://github.com/${this.repository.owner}/${this.repository.repo}/releases/tag/${encodeURIComponent(request.tag)}`,
          uploadUrl: `https://uploads.github.com/repos/${this.repository.owner}/${this.repository.repo}/releases/${id}/assets{?name,label}`,
          assets: [],
          bytes: new Map(),
        };
        this.releases.push(release);
        this.releaseRequests.set(id, structuredClone(request));
        return publicRelease(release);
      },
      updateRelease: async (releaseId, change) => {
        const release = this.release(releaseId);
        release.draft = change.draft;
        return publicRelease(release);
      },
      uploadReleaseAsset: async (target, asset) => {
        const release = this.release(target.id);
        if (release.assets.some((a) => a.name === asset.name))
          throw new GitHubError(422, 'Validation Failed: name already_exists');
        const id = this.id();
        const uploaded: ReleaseAsset = {
          id,
          name: asset.name,
          url: this.repoApiUrl(`/releases/assets/${id}`),
        };
        release.assets.push(uploaded);
        release.bytes.set(id, Buffer.from(asset.bytes));
        return uploaded;
      },
      downloadReleaseAsset: async (assetId) => {
        const bytes = this.releases.map((r) => r.bytes.get(assetId)).find((b) => b !== undefined);
        if (!bytes) throw new GitHubError(404, 'Not Found');
        return bytes;
      },

      listIssueComments: (issueNumber) => {
        const comments = this.comments
          .filter((c) => c.issueNumber === issueNumber)
          .map(publicComment);
        return (async function* () {
          yield* comments;
        })();
      },
      getComment: async (commentId) => publicComment(this.comment(commentId)),
      createComment: async (issueNumber, body) => {
        checkBody(body);
        const id = this.id();
        const comment = {
          id,
          issueNumber,
          body,
          author: token.login,
          htmlUrl: `https://github.com/${this.repository.owner}/${this.repository.repo}/pull/${issueNumber}#issuecomment-${id}`,
        };
        this.comments.push(comment);
        return publicComment(comment);
      },
      updateComment: async (commentId, body) => {
        const comment = this.comment(commentId);
        checkBody(body);
        if (comment.author !== token.login) throw new GitHubError(403, READ_ONLY);
        comment.body = body;
        return publicComment(comment);
      },
      deleteComment: async (commentId) => {
        this.comment(commentId);
        this.comments.splice(
          this.comments.findIndex((c) => c.id === commentId),
          1,
        );
      },

      getPullRequest: async (number) => {
        const pr = this.pullRequests.get(number);
        return (
          pr && {
            headSha: pr.headSha,
            baseRepository: `${this.repository.owner}/${this.repository.repo}`,
          }
        );
      },
      getRepositoryContent: async (path, ref): Promise<RepositoryContent> => {
        // Like GitHub, any full commit sha exists (with no files unless some were committed); an unknown branch does not.
        const tree =
          this.files.get(ref) ??
          (/^[0-9a-f]{40}$/.test(ref) ? new Map<string, string | Buffer>() : undefined);
        if (!tree) throw new GitHubError(404, `No commit found for the ref ${ref}`);
        const content = tree.get(path);
        if (content !== undefined) {
          const bytes = Buffer.from(content);
          const large = bytes.length > CONTENT_LIMIT;
          return {
            type: 'file',
            size: bytes.length,
            encoding: large ? 'none' : 'base64',
            content: large ? '' : bytes.toString('base64'),
          };
        }
        if ([...tree.keys()].some((file) => file.startsWith(`${path}/`))) return { type: 'folder' };
        throw new GitHubError(404, 'Not Found');
      },
      listRunApprovals: async (runId) => this.runReviews.get(runId) ?? [],

      listIssues: (filter) => {
        const wanted = (filter.labels ?? []).map((name) => name.toLowerCase());
        const matching = this.issues
          .filter(
            (issue) =>
              !issue.pullRequest &&
              (filter.state === 'all' || issue.state === filter.state) &&
              (filter.creator === undefined ||
                issue.author?.toLowerCase() === filter.creator.toLowerCase()) &&
              wanted.every((name) => issue.labels.some((label) => label.toLowerCase() === name)),
          )
          // Newest first; issues opened in one tick by number, which GitHub gives out in order.
          .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.number - a.number)
          .map(publicIssue);
        return (async function* () {
          yield* matching;
        })();
      },
      createIssue: async (request) => {
        checkBody(request.body);
        return publicIssue(
          this.newIssue(
            request.title,
            request.body,
            request.labels,
            token.login,
            this.now(),
            false,
          ),
        );
      },
      updateIssue: async (issueNumber, change) => {
        const issue = this.issues.find((i) => i.number === issueNumber);
        if (!issue) throw new GitHubError(404, 'Not Found');
        if (change.body !== undefined) checkBody(change.body);
        if (change.title !== undefined) issue.title = change.title;
        if (change.body !== undefined) issue.body = change.body;
        if (change.labels) issue.labels = change.labels.map((name) => this.label(name));
        // GitHub ignores the reason unless the state changes; closing defaults to `completed`.
        if (change.state && change.state !== issue.state) {
          issue.state = change.state;
          issue.stateReason =
            change.state === 'open'
              ? 'reopened'
              : change.stateReason && change.stateReason !== 'reopened'
                ? change.stateReason
                : 'completed';
        }
        return publicIssue(issue);
      },

      dispatchWorkflow: async (dispatch) => {
        const workflow = this.workflowOf(dispatch.workflow);
        if (!workflow) throw new GitHubError(404, 'Not Found');
        if (!workflow.dispatchInputs)
          throw new GitHubError(422, "Workflow does not have 'workflow_dispatch' trigger");
        const ref = dispatch.ref.replace(/^refs\/(?:heads|tags)\//, '');
        if (!this.branches.has(ref) && !this.files.has(ref))
          throw new GitHubError(422, `No ref found for: ${dispatch.ref}`);
        const given = Object.keys(dispatch.inputs);
        if (given.length > DISPATCH_INPUTS_LIMIT)
          throw new GitHubError(
            422,
            `you may only define up to ${DISPATCH_INPUTS_LIMIT} \`inputs\` for a workflow_dispatch event`,
          );
        const unexpected = given.filter((name) => !workflow.dispatchInputs!.includes(name));
        if (unexpected.length)
          throw new GitHubError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
        this.recordRun(workflow, 'workflow_dispatch', this.now(), {
          ref,
          inputs: { ...dispatch.inputs },
        });
      },
      listWorkflowRuns: (filter) => {
        const workflow = this.workflowOf(filter.workflow);
        if (!workflow) throw new GitHubError(404, 'Not Found');
        // GitHub's `created` qualifier counts whole seconds, as the port sends it.
        const since = Math.floor(filter.createdSince.getTime() / 1000) * 1000;
        const matching = this.runs
          .filter(
            (run) =>
              run.workflowId === workflow.id &&
              run.event === filter.event &&
              Date.parse(run.createdAt) >= since,
          )
          .reverse()
          .map(({ workflowId: _id, ref: _ref, inputs: _inputs, ...run }) => run);
        return (async function* () {
          yield* matching;
        })();
      },
    };
  }
}
