/**
 * An in-memory GitHub for unit tests of the domain: the GitHub port over plain objects, with the
 * rules of GitHub's API that the domain depends on (the same ones the HTTP stand-in in
 * harness/stand-ins/github-api.ts models): newest-first listings, read-only tokens refused on
 * writes with 403, GraphQL's viewer naming every kind of token's account, GitHub's
 * `auto_inactive` rule for deployment statuses, the comment size limit and the
 * deployment status description limit (422), drafts not found by tag, unique tags and asset
 * names, another account's comment not editable, and 404s for missing commits, paths and pull
 * requests. What the requests look like on the wire (and whether GitHub's OpenAPI description
 * accepts them) is the HTTP stand-in's job: test/contract/github-api.test.ts.
 */
import type { Repository } from '../../shared/github/client.js';
import type {
  Deployment,
  DeploymentStatusSummary,
  GitHubPort,
  IssueComment,
  NewDeploymentRequest,
  NewDeploymentStatus,
  NewRelease,
  Release,
  ReleaseAsset,
  RepositoryContent,
  RunReview,
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
const COMMENT_BODY_LIMIT = 65_536;
/** Listings are read 100 a page, as octokit-port.ts asks for them. */
const PAGE = 100;
const STATUS_DESCRIPTION_LIMIT = 140;
/** Files over 1 MB come back from the contents API without their content. */
const CONTENT_LIMIT = 1024 * 1024;

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
]);

interface StoredComment extends IssueComment {
  issueNumber: number;
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
      guarded[name] =
        name === 'listDeployments' || name === 'listIssueComments'
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
    };
  }
}
