/**
 * A stateful stand-in for the parts of GitHub's REST API this suite uses, on loopback. Every
 * request body and every response is checked against GitHub's OpenAPI description; a mismatch
 * is recorded in `violations` (the harness fails the test on any) and a bad request is answered
 * 422, as GitHub would. Behaviour that matters is modelled: pagination with Link headers,
 * read-only tokens, installation tokens (GET /user refused; GraphQL's viewer answers), deployment
 * auto_merge, required_contexts and auto_inactive, the comment size limit,
 * repository contents per commit, issues (pull requests among them, labels made on the fly,
 * close and reopen reasons), workflow dispatch (the repository's workflows, their declared
 * inputs, the runs a dispatch starts) and faults (5xx, secondary rate limits) injected on demand.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackService, readBody, send, type Reply } from './http.js';
import { answerGraphql, type GraphqlNode } from './graphql.js';
import { checkRequestBody, checkResponse, example } from './openapi.js';

export const OWNER = 'Codertocat';
export const REPO = 'Hello-World';
const DEFAULT_BRANCH = 'main';
/** GitHub rejects longer comment and issue bodies with 422 "Body is too long (maximum is 65536 characters)". */
const COMMENT_BODY_LIMIT = 65_536;
/** GitHub's workflow_dispatch accepts at most 25 inputs (its OpenAPI description's maxProperties). */
const DISPATCH_INPUTS_LIMIT = 25;

/** A workflow of the repository, as seedWorkflow records it. */
export interface StandInWorkflow {
  id: number;
  /** `.github/workflows/<file>`: GitHub also finds a workflow by its file name. */
  path: string;
  name: string;
  /** The inputs of its `on: workflow_dispatch:`; undefined when it has no such trigger. */
  dispatchInputs?: string[];
}

export interface TokenInfo {
  /** Who the token acts as: the GITHUB_TOKEN acts as github-actions[bot]. */
  login: string;
  /** An installation token (GITHUB_TOKEN) cannot read /user. */
  installation: boolean;
  /** A fork pull request's token may read but not write. */
  readOnly: boolean;
}

export interface LoggedRequest {
  method: string;
  path: string;
  operation?: string;
  status: number;
  injected: boolean;
}

export interface Fault {
  method?: string;
  /** Matches the request path (without query). */
  path?: RegExp;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** How many matching requests fail (default 1). */
  times?: number;
  /**
   * The request takes effect first and the fault is answered after, as when GitHub creates a
   * deployment and then answers 502: what a client must not do twice.
   */
  afterEffect?: boolean;
}

interface Request {
  method: string;
  url: URL;
  accept: string;
  params: Record<string, string>;
  body: unknown;
  raw: Buffer;
  token: TokenInfo;
}

type Handler = (request: Request) => Reply | Promise<Reply>;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
  /** Raw request bodies (release assets) are not JSON and are not schema-checked. */
  rawBody?: boolean;
  /** GraphQL is not in the OpenAPI description: its queries are checked against GitHub's GraphQL schema instead. */
  graphql?: boolean;
}

const READ_ONLY_MESSAGE = 'Resource not accessible by integration';
const DOCS = 'https://docs.github.com/rest';

export class GitHubApiStandIn extends LoopbackService {
  readonly log: LoggedRequest[] = [];
  readonly violations: string[] = [];
  readonly tokens = new Map<string, TokenInfo>();

  /** Issue and pull-request comments, by issue number. */
  readonly comments = new Map<number, Record<string, any>[]>();
  readonly deployments: Record<string, any>[] = [];
  readonly statuses = new Map<number, Record<string, any>[]>();
  readonly environments = new Set<string>(['staging', 'production']);
  readonly releases: Record<string, any>[] = [];
  readonly assets = new Map<number, { meta: Record<string, any>; bytes: Buffer }[]>();
  /** Commit-status contexts per sha: context → state. */
  readonly commitStatuses = new Map<string, Record<string, string>>();
  /** Refs that are behind the default branch: deploying them with auto_merge merges instead. */
  readonly refsBehindDefault = new Set<string>();
  /** The environment review log of each workflow run: who approved or rejected which environments. */
  readonly runReviews = new Map<
    number,
    { login: string; state: 'approved' | 'rejected'; comment: string; environments: string[] }[]
  >();
  /** Open pull requests by number: the head commit GitHub reports for them. */
  readonly pullRequests = new Map<number, { headSha: string }>();
  /** The repository's files by commit sha (or branch name): what GET .../contents/{path}?ref= serves. */
  readonly files = new Map<string, Map<string, string | Buffer>>();
  /** Workflow runs (GITHUB_RUN_ID) → the results-service run whose artifacts they hold. */
  readonly workflowRuns = new Map<number, string>();
  /** The finalized artifacts of a results-service run, and where their zip can be downloaded; wired by StandIns. */
  artifactsOf: (backendRunId: string) => {
    id: number;
    name: string;
    size: number;
    digest?: string;
    createdAt: string;
    downloadUrl: string;
  }[] = () => [];

  /**
   * Issues, and pull requests as the issues API lists them (with `pull_request`), in the order
   * they were opened; numbers are shared with `pullRequests`, as on GitHub.
   */
  readonly issues: Record<string, any>[] = [];
  /** The repository's labels by lower-cased name: GitHub creates one when an issue names a new one. */
  readonly labels = new Map<string, Record<string, any>>();
  /** Branches and tags a workflow may be dispatched on (besides the refs of `files`). */
  readonly branches = new Set<string>([DEFAULT_BRANCH]);
  /** The repository's workflows (seedWorkflow). */
  readonly workflows: StandInWorkflow[] = [];
  /** The runs of those workflows, oldest first: dispatched through the API, or seeded. */
  readonly runs: Record<string, any>[] = [];
  /** The time at which issues and workflow runs are created: a test may set it. */
  now: () => Date = () => new Date();

  /** Runs after each answer, before the client can send its next request: another writer's move, in a test. */
  afterReply?: (entry: LoggedRequest) => void;

  private readonly faults: Fault[] = [];
  private readonly routes: Route[] = [];
  private nextId = 1000;

  constructor() {
    super();
    this.tokens.set('ghs_stand_in_read_write', {
      login: 'github-actions[bot]',
      installation: true,
      readOnly: false,
    });
    this.tokens.set('ghs_stand_in_read_only', {
      login: 'github-actions[bot]',
      installation: true,
      readOnly: true,
    });
    this.tokens.set('ghp_stand_in_personal', {
      login: 'octocat',
      installation: false,
      readOnly: false,
    });
    // A GitHub App's installation token (actions/create-github-app-token): GET /user refuses it
    // like the GITHUB_TOKEN; it writes as `<app-slug>[bot]`.
    this.tokens.set('ghs_stand_in_app', {
      login: 'mlops-reporter[bot]',
      installation: true,
      readOnly: false,
    });
    this.defineRoutes();
  }

  static readonly READ_WRITE_TOKEN = 'ghs_stand_in_read_write';
  static readonly READ_ONLY_TOKEN = 'ghs_stand_in_read_only';
  static readonly PERSONAL_TOKEN = 'ghp_stand_in_personal';
  static readonly APP_TOKEN = 'ghs_stand_in_app';

  /** Makes the next matching requests fail, e.g. with 502 or a secondary rate limit. */
  inject(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  static secondaryRateLimit(retryAfterSeconds = 1): Omit<Fault, 'method' | 'path' | 'times'> {
    return {
      status: 403,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: {
        message:
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: `${DOCS}/using-the-rest-api/rate-limits-for-the-rest-api`,
      },
    };
  }

  /**
   * Records the files of a commit (or a branch), e.g. the base branch's gate policy at a pull
   * request's base sha. Paths are relative to the repository's root, with "/". Adds to what the
   * commit already holds.
   */
  commitFiles(ref: string, files: Record<string, string | Buffer>): void {
    const tree = this.files.get(ref) ?? new Map<string, string | Buffer>();
    for (const [path, content] of Object.entries(files)) tree.set(path, content);
    this.files.set(ref, tree);
  }

  /**
   * Records a workflow file. `dispatchInputs` are the inputs of its `on: workflow_dispatch:`;
   * without them it has no such trigger (a dispatch is refused with 422).
   */
  seedWorkflow(workflow: { path: string; name?: string; dispatchInputs?: string[] }): number {
    const id = this.id();
    this.workflows.push({
      id,
      path: workflow.path,
      name:
        workflow.name ??
        workflow.path
          .split('/')
          .pop()!
          .replace(/\.ya?ml$/, ''),
      ...(workflow.dispatchInputs ? { dispatchInputs: [...workflow.dispatchInputs] } : {}),
    });
    return id;
  }

  /** Records a run of a seeded workflow (an earlier dispatch, a scheduled run) at `createdAt`. */
  seedWorkflowRun(run: {
    workflow: string | number;
    event: string;
    createdAt: Date;
    login?: string;
  }): Record<string, any> {
    const workflow = this.workflowOf(String(run.workflow));
    if (!workflow) throw new Error(`The stand-in has no workflow ${run.workflow}`);
    return this.recordRun(workflow, run.event, run.createdAt, run.login ?? 'octocat');
  }

  /**
   * Records an issue as if it had been opened over the API (another account's issue, a closed
   * one, a page of fillers), or a pull request as the issues API lists it (`pullRequest`).
   */
  seedIssue(input: {
    title: string;
    body?: string;
    labels?: string[];
    login?: string;
    state?: 'open' | 'closed';
    pullRequest?: boolean;
    createdAt?: Date;
  }): Record<string, any> {
    const issue = this.newIssue(
      {
        title: input.title,
        body: input.body ?? null,
        labels: input.labels ?? [],
        pullRequest: input.pullRequest ?? false,
      },
      input.login ?? 'octocat',
      input.createdAt ?? this.now(),
    );
    if (input.state === 'closed') this.changeState(issue, 'closed', 'completed', 'octocat');
    this.issues.push(issue);
    return issue;
  }

  /** Requests that wrote something (POST, PATCH, PUT, DELETE) and were answered 2xx; GraphQL queries read. */
  writes(): LoggedRequest[] {
    return this.log.filter(
      (entry) =>
        entry.method !== 'GET' &&
        entry.path !== '/graphql' &&
        entry.status < 300 &&
        !entry.injected,
    );
  }

  // --- request handling -------------------------------------------------------------------

  protected async handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = incoming.method ?? 'GET';
    const url = new URL(incoming.url ?? '/', this.url);
    const raw = await readBody(incoming);
    const route = this.routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      operation: route?.template,
      status: 0,
      injected: false,
    };
    this.log.push(entry);
    const reply = (r: Reply) => {
      entry.status = r.status;
      send(response, r);
    };

    const fault = this.faults.find(
      (f) =>
        (f.method ?? method) === method && (f.path ?? /./).test(url.pathname) && (f.times ?? 1) > 0,
    );
    // The fault is answered instead of the request, or, `afterEffect`, after it took effect.
    const answerFault = (matched: Fault) => {
      matched.times = (matched.times ?? 1) - 1;
      entry.injected = true;
      reply({
        status: matched.status,
        headers: matched.headers,
        body: matched.body ?? { message: 'Server Error' },
      });
    };
    if (fault && !fault.afterEffect) return answerFault(fault);
    if (!route) {
      this.violations.push(`${method} ${url.pathname}: no such endpoint in the stand-in`);
      return reply({ status: 404, body: { message: 'Not Found', documentation_url: DOCS } });
    }
    const token = this.authenticate(incoming.headers.authorization);
    if (!token)
      return reply({ status: 401, body: { message: 'Bad credentials', documentation_url: DOCS } });
    if (token.readOnly && method !== 'GET' && !route.graphql)
      return reply({ status: 403, body: { message: READ_ONLY_MESSAGE, documentation_url: DOCS } });

    let body: unknown;
    if (!route.rawBody && raw.length) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply({
          status: 400,
          body: { message: 'Problems parsing JSON', documentation_url: DOCS },
        });
      }
      const problem = route.graphql ? undefined : checkRequestBody(method, route.template, body);
      if (problem) {
        this.violations.push(problem);
        return reply({
          status: 422,
          body: { message: `Invalid request (stand-in): ${problem}`, documentation_url: DOCS },
        });
      }
    }
    const params = Object.fromEntries(
      route.names.map((name, index) => [
        name,
        decodeURIComponent(route.pattern.exec(url.pathname)![index + 1]!),
      ]),
    );
    const result = await route.handler({
      method,
      url,
      params,
      body,
      raw,
      token,
      accept: String(incoming.headers.accept ?? ''),
    });
    if (!Buffer.isBuffer(result.body) && !route.graphql) {
      const problem = checkResponse(method, route.template, result.status, result.body);
      if (problem) this.violations.push(`stand-in answered wrongly: ${problem}`);
    }
    if (fault?.afterEffect && result.status < 300) return answerFault(fault);
    reply(result);
    this.afterReply?.(entry);
  }

  private authenticate(header: string | undefined): TokenInfo | undefined {
    const match = /^(?:token|bearer)\s+(.+)$/i.exec(header ?? '');
    return match ? this.tokens.get(match[1]!) : undefined;
  }

  private route(
    method: string,
    template: string,
    handler: Handler,
    options: { rawBody?: boolean; graphql?: boolean } = {},
  ): void {
    const names: string[] = [];
    // `{path}` spans folders (GitHub's x-multi-segment), whether its "/" are encoded or not.
    const pattern = new RegExp(
      `^${template.replace(/\{([^}]+)\}/g, (_, name: string) => (names.push(name), name === 'path' ? '(.+)' : '([^/]+)'))}$`,
    );
    this.routes.push({ method, template, pattern, names, handler, ...options });
  }

  private id(): number {
    return this.nextId++;
  }

  private apiUrl(path: string): string {
    return `${this.url}/repos/${OWNER}/${REPO}${path}`;
  }

  private user(login: string): Record<string, any> {
    const user = example('simple-user');
    return { ...user, login, type: login.endsWith('[bot]') ? 'Bot' : 'User' };
  }

  /** One page of a list, with GitHub's Link header. */
  private page(request: Request, items: unknown[]): Reply {
    const perPage = Math.min(
      100,
      Math.max(1, Number(request.url.searchParams.get('per_page') ?? 30)),
    );
    const page = Math.max(1, Number(request.url.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n: number, rel: string) => {
      const target = new URL(request.url);
      target.searchParams.set('per_page', String(perPage));
      target.searchParams.set('page', String(n));
      return `<${target}>; rel="${rel}"`;
    };
    const links = [
      page < last ? link(page + 1, 'next') : '',
      page < last ? link(last, 'last') : '',
      page > 1 ? link(1, 'first') : '',
      page > 1 ? link(page - 1, 'prev') : '',
    ].filter(Boolean);
    return {
      status: 200,
      headers: links.length ? { link: links.join(', ') } : {},
      body: items.slice((page - 1) * perPage, page * perPage),
    };
  }

  private notFound(): Reply {
    return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
  }

  // --- endpoints --------------------------------------------------------------------------

  private defineRoutes(): void {
    const repoPath = '/repos/{owner}/{repo}';
    const own =
      (handler: Handler): Handler =>
      (request) =>
        request.params.owner === OWNER && request.params.repo === REPO
          ? handler(request)
          : this.notFound();

    // GraphQL, checked against GitHub's published schema and executed on it (graphql-stand-in.ts).
    this.route(
      'POST',
      '/graphql',
      async (request) => {
        const answer = await answerGraphql(request.body, {
          viewer: request.token.login,
          node: (id) => this.graphqlNode(id),
        });
        if (answer.violation) this.violations.push(`POST /graphql: ${answer.violation}`);
        return { status: 200, body: answer.body };
      },
      { graphql: true },
    );

    this.route('GET', '/user', (request) =>
      request.token.installation
        ? { status: 403, body: { message: READ_ONLY_MESSAGE, documentation_url: DOCS } }
        : { status: 200, body: { ...example('private-user'), login: request.token.login } },
    );

    // Some of GitHub's bundled examples lag its schema (has_discussions, requested_teams[].type,
    // files[].sha); the stand-in fills those in so that what it answers is what the schema says.
    this.route(
      'GET',
      repoPath,
      own(() => ({
        status: 200,
        body: {
          ...example('full-repository'),
          has_discussions: false,
          name: REPO,
          full_name: `${OWNER}/${REPO}`,
          default_branch: DEFAULT_BRANCH,
        },
      })),
    );

    this.route(
      'GET',
      `${repoPath}/pulls/{pull_number}`,
      own((request) => {
        const pr = example('pull-request');
        pr.number = Number(request.params.pull_number);
        pr.requested_teams = [];
        const known = this.pullRequests.get(pr.number);
        if (this.pullRequests.size && !known) return this.notFound();
        if (known) pr.head.sha = known.headSha;
        pr.base.repo = {
          ...pr.base.repo,
          name: REPO,
          full_name: `${OWNER}/${REPO}`,
          owner: { ...pr.base.repo.owner, login: OWNER },
        };
        return { status: 200, body: pr };
      }),
    );

    this.route(
      'GET',
      `${repoPath}/commits/{ref}`,
      own((request) => ({
        status: 200,
        body: { ...example('commit'), sha: request.params.ref, files: [] },
      })),
    );

    this.route(
      'GET',
      `${repoPath}/contents/{path}`,
      own((request) => this.contents(request)),
    );

    // Issue and pull-request comments.
    this.route(
      'GET',
      `${repoPath}/issues/{issue_number}/comments`,
      own((request) =>
        this.page(request, this.comments.get(Number(request.params.issue_number)) ?? []),
      ),
    );
    this.route(
      'POST',
      `${repoPath}/issues/{issue_number}/comments`,
      own((request) => {
        const text = (request.body as { body: string }).body;
        if (text.length > COMMENT_BODY_LIMIT) return tooLong();
        const issue = Number(request.params.issue_number);
        const id = this.id();
        const now = new Date().toISOString();
        const comment = {
          ...example('issue-comment'),
          id,
          node_id: `IC_${id}`,
          url: this.apiUrl(`/issues/comments/${id}`),
          html_url: `https://github.com/${OWNER}/${REPO}/pull/${issue}#issuecomment-${id}`,
          issue_url: this.apiUrl(`/issues/${issue}`),
          body: text,
          user: this.user(request.token.login),
          created_at: now,
          updated_at: now,
        };
        this.comments.set(issue, [...(this.comments.get(issue) ?? []), comment]);
        return { status: 201, body: comment };
      }),
    );
    const findComment = (id: number) => [...this.comments.values()].flat().find((c) => c.id === id);
    this.route(
      'GET',
      `${repoPath}/issues/comments/{comment_id}`,
      own((request) => {
        const comment = findComment(Number(request.params.comment_id));
        return comment ? { status: 200, body: comment } : this.notFound();
      }),
    );
    this.route(
      'PATCH',
      `${repoPath}/issues/comments/{comment_id}`,
      own((request) => {
        const comment = findComment(Number(request.params.comment_id));
        if (!comment) return this.notFound();
        const text = (request.body as { body: string }).body;
        if (text.length > COMMENT_BODY_LIMIT) return tooLong();
        if (comment.user.login !== request.token.login)
          return { status: 403, body: { message: READ_ONLY_MESSAGE, documentation_url: DOCS } };
        Object.assign(comment, { body: text, updated_at: new Date().toISOString() });
        return { status: 200, body: comment };
      }),
    );
    this.route(
      'DELETE',
      `${repoPath}/issues/comments/{comment_id}`,
      own((request) => {
        const id = Number(request.params.comment_id);
        for (const [issue, list] of this.comments)
          this.comments.set(
            issue,
            list.filter((c) => c.id !== id),
          );
        return { status: 204 };
      }),
    );

    // Issues (pull requests among them, as GitHub lists them) and their labels.
    this.route(
      'GET',
      `${repoPath}/issues`,
      own((request) => this.listIssues(request)),
    );
    this.route(
      'POST',
      `${repoPath}/issues`,
      own((request) => {
        const input = request.body as { title: string | number; body?: string; labels?: unknown[] };
        if ((input.body ?? '').length > COMMENT_BODY_LIMIT) return tooLong('Issue');
        const issue = this.newIssue(
          {
            title: String(input.title),
            body: input.body ?? null,
            labels: labelNames(input.labels ?? []),
            pullRequest: false,
          },
          request.token.login,
          this.now(),
        );
        this.issues.push(issue);
        return { status: 201, headers: { location: issue.url }, body: this.issueView(issue) };
      }),
    );
    this.route(
      'PATCH',
      `${repoPath}/issues/{issue_number}`,
      own((request) => {
        const issue = this.issues.find((i) => i.number === Number(request.params.issue_number));
        if (!issue) return this.notFound();
        const input = request.body as Record<string, any>;
        if (typeof input.body === 'string' && input.body.length > COMMENT_BODY_LIMIT)
          return tooLong('Issue');
        if (input.title !== undefined && input.title !== null) issue.title = String(input.title);
        if (input.body !== undefined) issue.body = input.body;
        if (Array.isArray(input.labels))
          issue.labels = labelNames(input.labels).map((name) => this.label(name));
        // As documented: state_reason is ignored unless the state changes.
        if (input.state && input.state !== issue.state)
          this.changeState(issue, input.state, input.state_reason, request.token.login);
        issue.updated_at = this.now().toISOString();
        return { status: 200, body: this.issueView(issue) };
      }),
    );

    // Workflows: dispatch, and the runs of a workflow.
    this.route(
      'POST',
      `${repoPath}/actions/workflows/{workflow_id}/dispatches`,
      own((request) => this.dispatch(request)),
    );
    this.route(
      'GET',
      `${repoPath}/actions/workflows/{workflow_id}/runs`,
      own((request) => this.listRuns(request)),
    );

    // Deployments and their statuses.
    this.route(
      'POST',
      `${repoPath}/deployments`,
      own((request) => this.createDeployment(request)),
    );
    this.route(
      'GET',
      `${repoPath}/deployments`,
      own((request) => {
        const filters = ['sha', 'ref', 'task', 'environment'] as const;
        const matching = this.deployments.filter((d) =>
          filters.every(
            (f) => !request.url.searchParams.has(f) || d[f] === request.url.searchParams.get(f),
          ),
        );
        return this.page(request, [...matching].reverse());
      }),
    );
    this.route(
      'GET',
      `${repoPath}/deployments/{deployment_id}`,
      own((request) => {
        const deployment = this.deployments.find(
          (d) => d.id === Number(request.params.deployment_id),
        );
        return deployment ? { status: 200, body: deployment } : this.notFound();
      }),
    );
    this.route(
      'POST',
      `${repoPath}/deployments/{deployment_id}/statuses`,
      own((request) => {
        const deployment = this.deployments.find(
          (d) => d.id === Number(request.params.deployment_id),
        );
        if (!deployment) return this.notFound();
        const input = request.body as Record<string, any>;
        if (typeof input.description === 'string' && input.description.length > 140) {
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [
                {
                  resource: 'DeploymentStatus',
                  code: 'custom',
                  field: 'description',
                  message: 'description is too long (maximum is 140 characters)',
                },
              ],
              documentation_url: DOCS,
            },
          };
        }
        return { status: 201, body: this.addStatus(deployment, input, request.token.login) };
      }),
    );
    this.route(
      'GET',
      `${repoPath}/deployments/{deployment_id}/statuses`,
      own((request) =>
        this.page(request, this.statuses.get(Number(request.params.deployment_id)) ?? []),
      ),
    );

    // The environment review log of a workflow run (required reviewers' approvals).
    this.route(
      'GET',
      `${repoPath}/actions/runs/{run_id}/approvals`,
      own((request) => {
        const reviews = this.runReviews.get(Number(request.params.run_id)) ?? [];
        const environment = (name: string) => {
          const { id, node_id, created_at, updated_at } = example('environment') as Record<
            string,
            unknown
          >;
          return {
            id,
            node_id,
            name,
            url: this.apiUrl(`/environments/${encodeURIComponent(name)}`),
            html_url: `https://github.com/${OWNER}/${REPO}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
            created_at,
            updated_at,
          };
        };
        const body = reviews.map((review) => ({
          environments: review.environments.map(environment),
          state: review.state,
          comment: review.comment,
          user: this.user(review.login),
        }));
        return { status: 200, body };
      }),
    );

    // Environments.
    this.route(
      'GET',
      `${repoPath}/environments/{environment_name}`,
      own((request) => {
        const name = request.params.environment_name!;
        if (!this.environments.has(name)) return this.notFound();
        return {
          status: 200,
          body: {
            ...example('environment'),
            name,
            url: this.apiUrl(`/environments/${encodeURIComponent(name)}`),
            html_url: `https://github.com/${OWNER}/${REPO}/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
          },
        };
      }),
    );

    // Artifacts of workflow runs, as another workflow reads them (@actions/artifact with findBy).
    const artifactJson = (a: ReturnType<GitHubApiStandIn['artifactsOf']>[number]) => ({
      ...example('artifact'),
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.size,
      url: this.apiUrl(`/actions/artifacts/${a.id}`),
      archive_download_url: this.apiUrl(`/actions/artifacts/${a.id}/zip`),
      expired: false,
      digest: a.digest ?? null,
      created_at: a.createdAt,
      updated_at: a.createdAt,
      expires_at: new Date(Date.parse(a.createdAt) + 90 * 86_400_000).toISOString(),
      workflow_run: null,
    });
    const runArtifacts = (runId: number) => {
      const backend = this.workflowRuns.get(runId);
      return backend ? this.artifactsOf(backend) : [];
    };
    this.route(
      'GET',
      `${repoPath}/actions/runs/{run_id}/artifacts`,
      own((request) => {
        if (!this.workflowRuns.has(Number(request.params.run_id))) return this.notFound();
        const name = request.url.searchParams.get('name');
        const artifacts = runArtifacts(Number(request.params.run_id)).filter(
          (a) => name === null || a.name === name,
        );
        return {
          status: 200,
          body: { total_count: artifacts.length, artifacts: artifacts.map(artifactJson) },
        };
      }),
    );
    this.route(
      'GET',
      `${repoPath}/actions/artifacts/{artifact_id}/{archive_format}`,
      own((request) => {
        const id = Number(request.params.artifact_id);
        const artifact = [...this.workflowRuns.values()]
          .flatMap((backend) => this.artifactsOf(backend))
          .find((a) => a.id === id);
        if (!artifact || request.params.archive_format !== 'zip') return this.notFound();
        return { status: 302, headers: { location: artifact.downloadUrl } };
      }),
    );

    // Releases and their assets.
    this.route(
      'POST',
      `${repoPath}/releases`,
      own((request) => {
        const input = request.body as Record<string, any>;
        if (this.releases.some((r) => r.tag_name === input.tag_name)) {
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
              documentation_url: DOCS,
            },
          };
        }
        const id = this.id();
        const now = new Date().toISOString();
        const release = {
          ...example('release'),
          id,
          node_id: `RE_${id}`,
          tag_name: input.tag_name,
          target_commitish: input.target_commitish ?? DEFAULT_BRANCH,
          name: input.name ?? input.tag_name,
          body: input.body ?? null,
          draft: input.draft ?? false,
          prerelease: input.prerelease ?? false,
          url: this.apiUrl(`/releases/${id}`),
          html_url: `https://github.com/${OWNER}/${REPO}/releases/tag/${encodeURIComponent(input.tag_name)}`,
          assets_url: this.apiUrl(`/releases/${id}/assets`),
          upload_url: `${this.apiUrl(`/releases/${id}/assets`)}{?name,label}`,
          author: this.user(request.token.login),
          assets: [],
          created_at: now,
          published_at: input.draft ? null : now,
        };
        this.releases.push(release);
        return { status: 201, body: release };
      }),
    );
    const withAssets = (release: Record<string, any>) => ({
      ...release,
      assets: (this.assets.get(release.id) ?? []).map((a) => a.meta),
    });
    this.route(
      'GET',
      `${repoPath}/releases`,
      own((request) => this.page(request, [...this.releases].reverse().map(withAssets))),
    );
    this.route(
      'PATCH',
      `${repoPath}/releases/{release_id}`,
      own((request) => {
        const release = this.releases.find((r) => r.id === Number(request.params.release_id));
        if (!release) return this.notFound();
        const input = request.body as Record<string, any>;
        for (const field of ['name', 'body', 'draft', 'prerelease', 'target_commitish'] as const)
          if (input[field] !== undefined) release[field] = input[field];
        if (input.draft === false && !release.published_at)
          release.published_at = new Date().toISOString();
        return { status: 200, body: withAssets(release) };
      }),
    );
    this.route(
      'GET',
      `${repoPath}/releases/tags/{tag}`,
      own((request) => {
        // As on GitHub, a draft is not found by its tag: it has no tag until it is published.
        const release = this.releases.find((r) => r.tag_name === request.params.tag && !r.draft);
        return release ? { status: 200, body: withAssets(release) } : this.notFound();
      }),
    );
    this.route(
      'GET',
      `${repoPath}/releases/{release_id}/assets`,
      own((request) =>
        this.page(
          request,
          (this.assets.get(Number(request.params.release_id)) ?? []).map((a) => a.meta),
        ),
      ),
    );
    this.route(
      'POST',
      `${repoPath}/releases/{release_id}/assets`,
      own((request) => {
        const release = this.releases.find((r) => r.id === Number(request.params.release_id));
        if (!release) return this.notFound();
        const name = request.url.searchParams.get('name');
        if (!name)
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [{ resource: 'ReleaseAsset', code: 'missing_field', field: 'name' }],
              documentation_url: DOCS,
            },
          };
        const list = this.assets.get(release.id) ?? [];
        if (list.some((a) => a.meta.name === name))
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
              documentation_url: DOCS,
            },
          };
        const id = this.id();
        const now = new Date().toISOString();
        const meta = {
          ...example('release-asset'),
          id,
          node_id: `RA_${id}`,
          name,
          label: request.url.searchParams.get('label') ?? '',
          size: request.raw.length,
          url: this.apiUrl(`/releases/assets/${id}`),
          browser_download_url: `https://github.com/${OWNER}/${REPO}/releases/download/${encodeURIComponent(release.tag_name)}/${encodeURIComponent(name)}`,
          uploader: this.user(request.token.login),
          created_at: now,
          updated_at: now,
        };
        this.assets.set(release.id, [...list, { meta, bytes: request.raw }]);
        return { status: 201, body: meta };
      }),
      { rawBody: true },
    );
    this.route(
      'GET',
      `${repoPath}/releases/assets/{asset_id}`,
      own((request) => {
        const asset = [...this.assets.values()]
          .flat()
          .find((a) => a.meta.id === Number(request.params.asset_id));
        if (!asset) return this.notFound();
        // The asset's bytes for `Accept: application/octet-stream`, its description otherwise.
        const raw = /octet-stream/.test(request.accept);
        return raw
          ? {
              status: 200,
              headers: { 'content-type': 'application/octet-stream' },
              body: asset.bytes,
            }
          : { status: 200, body: asset.meta };
      }),
    );
  }

  // --- issues -----------------------------------------------------------------------------

  /** GitHub's repository issue listing: state, labels (all of them), creator, sort, direction, pages. */
  private listIssues(request: Request): Reply {
    const query = request.url.searchParams;
    const state = query.get('state') ?? 'open';
    const sort = query.get('sort') ?? 'created';
    const direction = query.get('direction') ?? 'desc';
    if (
      !['open', 'closed', 'all'].includes(state) ||
      !['created', 'updated', 'comments'].includes(sort) ||
      !['asc', 'desc'].includes(direction)
    ) {
      this.violations.push(`GET ${request.url.pathname}: state, sort or direction out of range`);
      return validationFailed('Issue', 'state');
    }
    const wanted = (query.get('labels') ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean);
    const creator = query.get('creator')?.toLowerCase();
    const matching = this.issuesWithPullRequests().filter(
      (issue) =>
        (state === 'all' || issue.state === state) &&
        (creator === undefined || String(issue.user.login).toLowerCase() === creator) &&
        wanted.every((name) =>
          issue.labels.some((label: { name: string }) => label.name.toLowerCase() === name),
        ),
    );
    const key = (issue: Record<string, any>): number =>
      sort === 'comments'
        ? this.commentCount(issue.number)
        : Date.parse(sort === 'updated' ? issue.updated_at : issue.created_at);
    // Ties (one millisecond) are broken by number, which GitHub gives out in order of creation.
    const sign = direction === 'asc' ? 1 : -1;
    matching.sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
    return this.page(
      request,
      matching.map((issue) => this.issueView(issue)),
    );
  }

  /** The issues, and the open pull requests of `pullRequests` not recorded as issues, as GitHub lists them. */
  private issuesWithPullRequests(): Record<string, any>[] {
    const recorded = new Set(this.issues.map((issue) => issue.number));
    const pulls = [...this.pullRequests.keys()]
      .filter((number) => !recorded.has(number))
      .map((number) =>
        this.newIssue(
          { title: `Pull request ${number}`, body: null, labels: [], pullRequest: true },
          'octocat',
          new Date(0),
          number,
        ),
      );
    return [...this.issues, ...pulls];
  }

  private nextIssueNumber(): number {
    return Math.max(0, ...this.issues.map((i) => i.number), ...this.pullRequests.keys()) + 1;
  }

  private newIssue(
    input: { title: string; body: string | null; labels: string[]; pullRequest: boolean },
    login: string,
    createdAt: Date,
    number = this.nextIssueNumber(),
  ): Record<string, any> {
    const { pull_request: _pr, ...template } = example('issue');
    const url = this.apiUrl(`/issues/${number}`);
    const html = `https://github.com/${OWNER}/${REPO}/${input.pullRequest ? 'pull' : 'issues'}/${number}`;
    const at = createdAt.toISOString();
    return {
      ...template,
      id: 7_000_000 + number,
      node_id: `I_${number}`,
      url,
      repository_url: this.apiUrl(''),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: html,
      number,
      state: 'open',
      state_reason: null,
      title: input.title,
      body: input.body,
      user: this.user(login),
      labels: input.labels.map((name) => this.label(name)),
      assignee: null,
      assignees: [],
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: 0,
      closed_at: null,
      closed_by: null,
      created_at: at,
      updated_at: at,
      author_association: 'MEMBER',
      ...(input.pullRequest
        ? {
            pull_request: {
              url: this.apiUrl(`/pulls/${number}`),
              html_url: html,
              diff_url: `${html}.diff`,
              patch_url: `${html}.patch`,
              merged_at: null,
            },
          }
        : {}),
    };
  }

  /** What GitHub answers for an issue: its comment count as it is now. */
  private issueView(issue: Record<string, any>): Record<string, any> {
    // GitHub sends `state_reason: null` for an issue never closed; its description's enum
    // (nullable, without null among the values) refuses that, so it is left out, as it may be.
    const { state_reason: reason, ...rest } = issue;
    return {
      ...rest,
      ...(reason === null ? {} : { state_reason: reason }),
      comments: this.commentCount(issue.number),
    };
  }

  private commentCount(number: number): number {
    return this.comments.get(number)?.length ?? 0;
  }

  /** GitHub's rule: closing records a reason (default `completed`), reopening records `reopened`. */
  private changeState(
    issue: Record<string, any>,
    state: 'open' | 'closed',
    reason: string | null | undefined,
    login: string,
  ): void {
    const now = this.now().toISOString();
    issue.state = state;
    if (state === 'closed') {
      issue.state_reason = reason && reason !== 'reopened' ? reason : 'completed';
      issue.closed_at = now;
      issue.closed_by = this.user(login);
    } else {
      issue.state_reason = 'reopened';
      issue.closed_at = null;
    }
  }

  /** A label by name (GitHub's names are case-insensitive), created on first use as GitHub does for a writer. */
  private label(name: string): Record<string, any> {
    const key = name.toLowerCase();
    let label = this.labels.get(key);
    if (!label) {
      const id = this.id();
      label = {
        ...example('label'),
        id,
        node_id: `LA_${id}`,
        url: this.apiUrl(`/labels/${encodeURIComponent(name)}`),
        name,
        description: null,
        color: 'ededed',
        default: false,
      };
      this.labels.set(key, label);
    }
    return label;
  }

  // --- workflows ------------------------------------------------------------------------------

  /** A workflow by its id or its file name (GitHub's `workflow_id` takes either). */
  private workflowOf(idOrFile: string): StandInWorkflow | undefined {
    return this.workflows.find((w) =>
      /^\d+$/.test(idOrFile) ? w.id === Number(idOrFile) : w.path.split('/').pop() === idOrFile,
    );
  }

  /**
   * GitHub's checks, in its words: an unknown workflow is 404; a workflow without the trigger, a
   * ref that is no branch or tag, and inputs the workflow does not declare are 422. A dispatch
   * starts a run (answered 204, or 200 with its URLs for `return_run_details`).
   */
  private dispatch(request: Request): Reply {
    const workflow = this.workflowOf(request.params.workflow_id!);
    if (!workflow) return this.notFound();
    const fail = (message: string): Reply => ({
      status: 422,
      body: {
        message,
        documentation_url: `${DOCS}/actions/workflows#create-a-workflow-dispatch-event`,
      },
    });
    if (!workflow.dispatchInputs) return fail("Workflow does not have 'workflow_dispatch' trigger");
    const input = request.body as {
      ref: string;
      inputs?: Record<string, unknown>;
      return_run_details?: boolean;
    };
    const ref = input.ref.replace(/^refs\/(?:heads|tags)\//, '');
    if (!this.branches.has(ref) && !this.files.has(ref))
      return fail(`No ref found for: ${input.ref}`);
    const given = Object.keys(input.inputs ?? {});
    // The request check refuses more (maxProperties); kept here too in case a body skips it.
    if (given.length > DISPATCH_INPUTS_LIMIT)
      return fail(
        `you may only define up to ${DISPATCH_INPUTS_LIMIT} \`inputs\` for a workflow_dispatch event`,
      );
    const unexpected = given.filter((name) => !workflow.dispatchInputs!.includes(name));
    if (unexpected.length) return fail(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
    const run = this.recordRun(workflow, 'workflow_dispatch', this.now(), request.token.login, ref);
    return input.return_run_details
      ? {
          status: 200,
          body: { workflow_run_id: run.id, run_url: run.url, html_url: run.html_url },
        }
      : { status: 204 };
  }

  private recordRun(
    workflow: StandInWorkflow,
    event: string,
    createdAt: Date,
    login: string,
    branch = DEFAULT_BRANCH,
  ): Record<string, any> {
    const id = this.id();
    const at = createdAt.toISOString();
    const url = this.apiUrl(`/actions/runs/${id}`);
    const run = {
      ...example('workflow-run'),
      id,
      name: workflow.name,
      node_id: `WFR_${id}`,
      head_branch: branch,
      path: workflow.path,
      run_number: this.runs.filter((r) => r.workflow_id === workflow.id).length + 1,
      event,
      display_title: workflow.name,
      status: 'queued',
      conclusion: null,
      workflow_id: workflow.id,
      url,
      html_url: `https://github.com/${OWNER}/${REPO}/actions/runs/${id}`,
      pull_requests: [],
      created_at: at,
      updated_at: at,
      run_started_at: at,
      actor: this.user(login),
      triggering_actor: this.user(login),
      run_attempt: 1,
      jobs_url: `${url}/jobs`,
      logs_url: `${url}/logs`,
      artifacts_url: `${url}/artifacts`,
      cancel_url: `${url}/cancel`,
      rerun_url: `${url}/rerun`,
      previous_attempt_url: null,
      workflow_url: this.apiUrl(`/actions/workflows/${workflow.id}`),
    };
    this.runs.push(run);
    return run;
  }

  /** A workflow's runs, newest first, by `event` and GitHub's `created` date qualifier, in pages. */
  private listRuns(request: Request): Reply {
    const workflow = this.workflowOf(request.params.workflow_id!);
    if (!workflow) return this.notFound();
    const query = request.url.searchParams;
    const created = query.get('created');
    const within = created === null ? () => true : createdQualifier(created);
    if (!within) {
      this.violations.push(
        `GET ${request.url.pathname}: created=${created} is not GitHub's date syntax (>=YYYY-MM-DDTHH:MM:SSZ, a..b)`,
      );
      return validationFailed('WorkflowRun', 'created');
    }
    const event = query.get('event');
    const matching = this.runs
      .filter(
        (run) =>
          run.workflow_id === workflow.id &&
          (event === null || run.event === event) &&
          within(Date.parse(run.created_at)),
      )
      .reverse();
    const page = this.page(request, matching);
    return { ...page, body: { total_count: matching.length, workflow_runs: page.body } };
  }

  /**
   * A file (base64 in JSON, or its bytes for the raw media type) or a folder's listing, at the
   * commit `ref` (default: the default branch). As on GitHub: 404 "Not Found" for a missing
   * path, 404 "No commit found for the ref" for an unknown branch or tag.
   */
  private contents(request: Request): Reply {
    const ref = request.url.searchParams.get('ref') || DEFAULT_BRANCH;
    // Like GET /commits/{ref}, any full commit sha exists (with no files unless some were
    // committed); an unknown branch or tag does not.
    const tree =
      this.files.get(ref) ??
      (/^[0-9a-f]{40}$/.test(ref) ? new Map<string, string | Buffer>() : undefined);
    if (!tree)
      return {
        status: 404,
        body: {
          message: `No commit found for the ref ${ref}`,
          documentation_url: `${DOCS}/repos/contents#get-repository-content`,
        },
      };
    const path = request.params.path!.replace(/^\/+|\/+$/g, '');
    const entry = (name: string, bytes: Buffer | undefined) => {
      const sha = createHash('sha1')
        .update(bytes ?? name)
        .digest('hex');
      const self = this.apiUrl(`/contents/${name}?ref=${encodeURIComponent(ref)}`);
      const html = `https://github.com/${OWNER}/${REPO}/${bytes ? 'blob' : 'tree'}/${ref}/${name}`;
      const git = this.apiUrl(`/git/${bytes ? 'blobs' : 'trees'}/${sha}`);
      return {
        type: bytes ? 'file' : 'dir',
        size: bytes?.length ?? 0,
        name: name.split('/').pop()!,
        path: name,
        sha,
        url: self,
        git_url: git,
        html_url: html,
        download_url: bytes
          ? `https://raw.githubusercontent.com/${OWNER}/${REPO}/${ref}/${name}`
          : null,
        _links: { self, git, html },
      };
    };
    const content = tree.get(path);
    if (content !== undefined) {
      const bytes = Buffer.from(content);
      if (/raw/.test(request.accept))
        return {
          status: 200,
          headers: { 'content-type': 'application/vnd.github.raw' },
          body: bytes,
        };
      // GitHub wraps the base64 at 60 characters, and leaves out the content of files over 1 MB.
      const large = bytes.length > 1024 * 1024;
      const base64 = large
        ? ''
        : (bytes.toString('base64').match(/.{1,60}/g) ?? []).join('\n') + '\n';
      return {
        status: 200,
        body: { ...entry(path, bytes), encoding: large ? 'none' : 'base64', content: base64 },
      };
    }
    const inside = [...tree.keys()].filter((file) => path === '' || file.startsWith(`${path}/`));
    if (!inside.length) return this.notFound();
    const children = [
      ...new Set(inside.map((file) => file.slice(path ? path.length + 1 : 0).split('/')[0]!)),
    ].sort();
    return {
      status: 200,
      body: children.map((child) => {
        const name = path ? `${path}/${child}` : child;
        const file = tree.get(name);
        return entry(name, file === undefined ? undefined : Buffer.from(file));
      }),
    };
  }

  /**
   * Adds a deployment status, with GitHub's documented `auto_inactive` rule (default true): a
   * `success` adds an `inactive` status to every earlier deployment to the same environment name
   * that is neither transient nor `production_environment` and whose latest status is success.
   */
  private addStatus(
    deployment: Record<string, any>,
    input: Record<string, any>,
    login: string,
  ): Record<string, any> {
    const id = this.id();
    const now = new Date().toISOString();
    const { environment_url: _unset, ...template } = example('deployment-status');
    const status = {
      ...template,
      id,
      node_id: `DES_${id}`,
      state: input.state,
      description: input.description ?? '',
      environment: input.environment ?? deployment.environment,
      target_url: input.log_url ?? input.target_url ?? '',
      log_url: input.log_url ?? input.target_url ?? '',
      // GitHub documents "" as the default, but the schema's uri format rejects it: left out when unset.
      ...(input.environment_url ? { environment_url: input.environment_url } : {}),
      url: this.apiUrl(`/deployments/${deployment.id}/statuses/${id}`),
      deployment_url: deployment.url,
      repository_url: this.apiUrl(''),
      creator: this.user(login),
      created_at: now,
      updated_at: now,
    };
    this.statuses.set(deployment.id, [status, ...(this.statuses.get(deployment.id) ?? [])]);
    if (input.state === 'success' && input.auto_inactive !== false) {
      for (const earlier of this.deployments) {
        if (
          earlier.id < deployment.id &&
          earlier.environment === status.environment &&
          !earlier.transient_environment &&
          !earlier.production_environment &&
          this.statuses.get(earlier.id)?.[0]?.state === 'success'
        )
          this.addStatus(earlier, { state: 'inactive', auto_inactive: false }, login);
      }
    }
    return status;
  }

  /**
   * What the runner records for a job that declares `environment:` (actions/runner#1001): a
   * deployment of task `deploy` on the job's commit, then statuses with GitHub's defaults, so its
   * success marks earlier non-production deployments to that environment name inactive.
   */
  environmentJob(environment: string, sha = 'e'.repeat(40)): number {
    const deployment = this.recordDeployment(
      { ref: sha, task: 'deploy', environment },
      'github-actions[bot]',
    );
    this.addStatus(deployment, { state: 'in_progress' }, 'github-actions[bot]');
    this.addStatus(deployment, { state: 'success' }, 'github-actions[bot]');
    return deployment.id;
  }

  /**
   * Records a deployment and its statuses as if they had been sent over the API (a test's
   * history of earlier promotions), without the client's write throttling of one per second.
   */
  seedDeployment(
    input: Record<string, any>,
    states: string[],
    login = 'github-actions[bot]',
  ): number {
    const deployment = this.recordDeployment(input, login);
    for (const state of states) this.addStatus(deployment, { state, auto_inactive: false }, login);
    return deployment.id;
  }

  /** The object GraphQL's `nodes(ids:)` finds by a global ID: a deployment, with its statuses. */
  private graphqlNode(id: string): GraphqlNode | undefined {
    const deployment = this.deployments.find((d) => d.node_id === id);
    if (!deployment) return undefined;
    // Newest first, as REST lists them; GraphQL's states are spelled in capitals.
    const statuses = (this.statuses.get(deployment.id) ?? []).map((s) => ({
      state: String(s.state).toUpperCase(),
      description: s.description,
      createdAt: s.created_at,
    }));
    return {
      __typename: 'Deployment',
      databaseId: deployment.id,
      latestStatus: statuses[0] ?? null,
      statuses: ({ first, last }: { first?: number; last?: number }) => {
        const oldestFirst = [...statuses].reverse();
        const nodes =
          last !== undefined ? oldestFirst.slice(-last) : oldestFirst.slice(0, first ?? 100);
        return { nodes, totalCount: statuses.length };
      },
    };
  }

  private createDeployment(request: Request): Reply {
    const input = request.body as Record<string, any>;
    const ref: string = input.ref;
    if (input.auto_merge !== false && this.refsBehindDefault.has(ref)) {
      // GitHub merges the default branch into the ref instead of deploying.
      return {
        status: 202,
        body: { message: `Auto-merged ${DEFAULT_BRANCH} into ${ref} on deployment.` },
      };
    }
    const statuses = this.commitStatuses.get(ref) ?? {};
    const required: string[] = input.required_contexts ?? Object.keys(statuses);
    const failing = required.filter((context) => statuses[context] !== 'success');
    if (failing.length) {
      return {
        status: 409,
        body: {
          message: `Conflict: Commit status checks failed for ${ref}.`,
          documentation_url: DOCS,
        },
      };
    }
    return { status: 201, body: this.recordDeployment(input, request.token.login) };
  }

  private recordDeployment(input: Record<string, any>, login: string): Record<string, any> {
    const ref: string = input.ref;
    const id = this.id();
    const now = new Date().toISOString();
    const environment = input.environment ?? 'production';
    const deployment = {
      ...example('deployment'),
      id,
      node_id: `DE_${id}`,
      sha: ref,
      ref,
      task: input.task ?? 'deploy',
      payload: input.payload ?? {},
      environment,
      original_environment: environment,
      description: input.description ?? '',
      transient_environment: input.transient_environment ?? false,
      production_environment: input.production_environment ?? environment === 'production',
      url: this.apiUrl(`/deployments/${id}`),
      statuses_url: this.apiUrl(`/deployments/${id}/statuses`),
      repository_url: this.apiUrl(''),
      creator: this.user(login),
      created_at: now,
      updated_at: now,
    };
    this.deployments.push(deployment);
    return deployment;
  }
}

/** GitHub's labels may be given as names or as objects with a name. */
function labelNames(labels: unknown[]): string[] {
  return labels.flatMap((label) =>
    typeof label === 'string'
      ? [label]
      : label && typeof label === 'object' && typeof (label as { name?: unknown }).name === 'string'
        ? [(label as { name: string }).name]
        : [],
  );
}

function validationFailed(resource: string, field: string): Reply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource, code: 'invalid', field }],
      documentation_url: DOCS,
    },
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})$/;
const DAY = 86_400_000;

/**
 * GitHub's search syntax for dates (`>=2026-01-01T00:00:00Z`, `<2026-01-01`, `a..b`, `a..*`, a
 * bare date for that whole day), as a test of a time in milliseconds; undefined when the value
 * is not in that syntax. A bare date covers its day: `>2026-01-01` starts the day after.
 */
function createdQualifier(value: string): ((time: number) => boolean) | undefined {
  const bound = (text: string): { start: number; end: number } | undefined => {
    if (text === '*') return { start: -Infinity, end: Infinity };
    if (DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))) {
      const start = Date.parse(`${text}T00:00:00Z`);
      return { start, end: start + DAY };
    }
    if (DATE_TIME.test(text) && !Number.isNaN(Date.parse(text))) {
      const start = Date.parse(text);
      return { start, end: start + 1000 };
    }
    return undefined;
  };
  const range = /^(.+)\.\.(.+)$/.exec(value);
  if (range) {
    const [from, to] = [bound(range[1]!), bound(range[2]!)];
    return from && to ? (t) => t >= from.start && t < to.end : undefined;
  }
  const compare = /^(>=|<=|>|<)?(.+)$/.exec(value)!;
  const at = bound(compare[2]!);
  if (!at) return undefined;
  switch (compare[1]) {
    case '>=':
      return (t) => t >= at.start;
    case '>':
      return (t) => t >= at.end;
    case '<=':
      return (t) => t < at.end;
    case '<':
      return (t) => t < at.start;
    default:
      return (t) => t >= at.start && t < at.end;
  }
}

function tooLong(resource = 'IssueComment'): Reply {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [
        {
          resource,
          code: 'custom',
          field: 'body',
          message: 'body is too long (maximum is 65536 characters)',
        },
      ],
      documentation_url: DOCS,
    },
  };
}
