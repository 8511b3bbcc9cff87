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
 *
 * It serves many repositories (github-repository.ts holds each one's state; Codertocat/Hello-World
 * is the home repository, whose state the fields below expose), their owners (users and
 * organisations, with members and teams), collaborators, and conditional requests: every GET
 * answered 200 carries an ETag, and one sent back in If-None-Match is answered 304.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackService, readBody, send, type Reply } from './http.js';
import { answerGraphql, type GraphqlNode } from './graphql.js';
import { checkRequestBody, checkResponse, example } from './openapi.js';
import {
  StandInRepository,
  type AssetRecord,
  type DeploymentRecord,
  type ReleaseRecord,
  type RepositoryHost,
  type RepositoryOptions,
  type SeedIssue,
} from './github-repository.js';

export { StandInRepository, type RepositoryOptions, type SeedIssue } from './github-repository.js';

export const OWNER = 'Codertocat';
export const REPO = 'Hello-World';
/** GitHub rejects longer comment and issue bodies with 422 "Body is too long (maximum is 65536 characters)". */
const COMMENT_BODY_LIMIT = 65_536;
/** GitHub's workflow_dispatch accepts at most 25 inputs (its OpenAPI description's maxProperties). */
const DISPATCH_INPUTS_LIMIT = 25;

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
  /** The repository a `/repos/{owner}/{repo}/...` request was answered for (its full name). */
  repository?: string;
}

/** What a set of logged requests cost: REST and GraphQL calls, and how many GETs were 200 or 304. */
export interface RequestCounts {
  rest: number;
  graphql: number;
  ok: number;
  notModified: number;
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

/** An organisation's member: admins ("owners") are collaborators of every repository. */
interface OrgMember {
  login: string;
  role: 'admin' | 'member';
  /** Public members are visible to anyone (GET /orgs/{org}/public_members/{username}). */
  public: boolean;
}

export interface StandInTeam {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  privacy: 'closed' | 'secret';
  /** Lower-cased login → member. */
  members: Map<string, { login: string; role: 'member' | 'maintainer' }>;
  /** Lower-cased full names of the repositories the team has access to. */
  repositories: Set<string>;
  createdAt: string;
}

/** A user or an organisation, as GET /users/{username} answers for it. */
export interface StandInAccount {
  login: string;
  id: number;
  type: 'User' | 'Organization';
  createdAt: string;
  /** An organisation's members by lower-cased login. */
  members: Map<string, OrgMember>;
  /** An organisation's teams by slug. */
  teams: Map<string, StandInTeam>;
  /**
   * An organisation's base permission: unless `none`, every member is a collaborator of every
   * repository (GitHub's default for a new organisation is `read`).
   */
  basePermission: 'none' | 'read' | 'write' | 'admin';
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
type RepositoryHandler = (
  request: Request,
  repository: StandInRepository,
) => Reply | Promise<Reply>;

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

const lower = (name: string) => name.toLowerCase();

export class GitHubApiStandIn extends LoopbackService {
  readonly log: LoggedRequest[] = [];
  readonly violations: string[] = [];
  readonly tokens = new Map<string, TokenInfo>();

  /** Users and organisations by lower-cased login. */
  readonly accounts = new Map<string, StandInAccount>();
  /** The home repository, Codertocat/Hello-World: what the fields below read and write. */
  readonly home: StandInRepository;

  /** The finalized artifacts of a results-service run, and where their zip can be downloaded; wired by StandIns. */
  artifactsOf: (backendRunId: string) => {
    id: number;
    name: string;
    size: number;
    digest?: string;
    createdAt: string;
    downloadUrl: string;
  }[] = () => [];

  /** The time at which issues and workflow runs are created: a test may set it. */
  now: () => Date = () => new Date();

  /** Runs after each answer, before the client can send its next request: another writer's move, in a test. */
  afterReply?: (entry: LoggedRequest) => void;

  private readonly faults: Fault[] = [];
  private readonly routes: Route[] = [];
  private nextId = 1000;
  /** Repositories by lower-cased full name (GitHub's names are case-insensitive). */
  private readonly repositoryMap = new Map<string, StandInRepository>();
  private readonly deploymentIndex = new Map<
    number,
    { deployment: DeploymentRecord; repository: StandInRepository }
  >();
  private readonly assetIndex = new Map<
    number,
    { asset: AssetRecord; release: ReleaseRecord; repository: StandInRepository }
  >();
  private readonly users = new Map<string, Record<string, any>>();
  private readonly host: RepositoryHost = {
    id: () => this.id(),
    url: () => this.url,
    now: () => this.now(),
    user: (login) => this.user(login),
    indexDeployment: (deployment, repository) =>
      this.deploymentIndex.set(deployment.id, { deployment, repository }),
    indexAsset: (asset, release, repository) =>
      this.assetIndex.set(asset.id, { asset, release, repository }),
  };

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
    this.home = this.addRepository(`${OWNER}/${REPO}`);
    this.defineRoutes();
  }

  static readonly READ_WRITE_TOKEN = 'ghs_stand_in_read_write';
  static readonly READ_ONLY_TOKEN = 'ghs_stand_in_read_only';
  static readonly PERSONAL_TOKEN = 'ghp_stand_in_personal';
  static readonly APP_TOKEN = 'ghs_stand_in_app';

  // --- the home repository's state, as before there were many ---------------------------------

  /** Issue and pull-request comments, by issue number. */
  get comments(): Map<number, Record<string, any>[]> {
    return this.home.comments;
  }
  /** The home repository's deployments as GitHub answers them, oldest first (made afresh on each read). */
  get deployments(): Record<string, any>[] {
    return this.home.deploymentRecords.map((d) => this.home.deploymentView(d));
  }
  /** Each deployment's statuses, newest first, as GitHub answers them (made afresh on each read). */
  get statuses(): Map<number, Record<string, any>[]> {
    return new Map(this.home.deploymentRecords.map((d) => [d.id, this.home.statusViews(d)]));
  }
  get environments(): Set<string> {
    return this.home.environments;
  }
  /** The home repository's releases as GitHub answers them, oldest first (made afresh on each read). */
  get releases(): Record<string, any>[] {
    return this.home.releaseRecords.map((r) => this.home.releaseView(r));
  }
  /** Each release's assets: their description and bytes (made afresh on each read). */
  get assets(): Map<number, { meta: Record<string, any>; bytes: Buffer }[]> {
    return new Map(
      this.home.releaseRecords.map((r) => [
        r.id,
        r.assets.map((a) => ({ meta: this.home.assetView(r, a), bytes: a.bytes })),
      ]),
    );
  }
  get commitStatuses(): Map<string, Record<string, string>> {
    return this.home.commitStatuses;
  }
  get refsBehindDefault(): Set<string> {
    return this.home.refsBehindDefault;
  }
  get runReviews(): StandInRepository['runReviews'] {
    return this.home.runReviews;
  }
  get pullRequests(): Map<number, { headSha: string }> {
    return this.home.pullRequests;
  }
  get files(): Map<string, Map<string, string | Buffer>> {
    return this.home.files;
  }
  get workflowRuns(): Map<number, string> {
    return this.home.workflowRuns;
  }
  get issues(): Record<string, any>[] {
    return this.home.issues;
  }
  get labels(): Map<string, Record<string, any>> {
    return this.home.labels;
  }
  get branches(): Set<string> {
    return this.home.branches;
  }
  get workflows(): StandInRepository['workflows'] {
    return this.home.workflows;
  }
  get runs(): Record<string, any>[] {
    return this.home.runs;
  }

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

  /** The home repository's commitFiles (see StandInRepository). */
  commitFiles(ref: string, files: Record<string, string | Buffer>): void {
    this.home.commitFiles(ref, files);
  }

  /** The home repository's seedWorkflow (see StandInRepository). */
  seedWorkflow(workflow: { path: string; name?: string; dispatchInputs?: string[] }): number {
    return this.home.seedWorkflow(workflow);
  }

  /** The home repository's seedWorkflowRun (see StandInRepository). */
  seedWorkflowRun(run: {
    workflow: string | number;
    event: string;
    createdAt: Date;
    login?: string;
  }): Record<string, any> {
    return this.home.seedWorkflowRun(run);
  }

  /** The home repository's seedIssue (see StandInRepository). */
  seedIssue(input: SeedIssue): Record<string, any> {
    return this.home.seedIssue(input);
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

  // --- many repositories and their owners -------------------------------------------------------

  /**
   * Adds a repository (`owner/name`), served under /repos/{owner}/{repo}/ by the same routes as
   * the home repository. Its owner is made a user unless it is already an account.
   */
  addRepository(fullName: string, options: RepositoryOptions = {}): StandInRepository {
    if (this.repositoryMap.has(lower(fullName)))
      throw new Error(`The stand-in already has a repository ${fullName}`);
    const repository = new StandInRepository(this.host, fullName, options);
    if (!this.accounts.has(lower(repository.owner))) this.addUser(repository.owner);
    this.repositoryMap.set(lower(fullName), repository);
    return repository;
  }

  /** A repository by its full name (case-insensitive), if the stand-in has it. */
  repository(fullName: string): StandInRepository | undefined {
    return this.repositoryMap.get(lower(fullName));
  }

  /** Every repository, the home one first. */
  repositories(): StandInRepository[] {
    return [...this.repositoryMap.values()];
  }

  /** Adds a user account (a repository's owner, a collaborator GET /users/{username} finds). */
  addUser(login: string): StandInAccount {
    return this.addAccount(login, 'User');
  }

  /**
   * Adds an organisation; `members` and `admins` (its owners) join it privately unless listed in
   * `publicMembers`. `basePermission` is GitHub's "base permissions" (default `read`).
   */
  addOrganization(
    login: string,
    options: {
      members?: string[];
      admins?: string[];
      publicMembers?: string[];
      basePermission?: StandInAccount['basePermission'];
    } = {},
  ): StandInAccount {
    // An owner first met as a repository's (addRepository makes it a user) becomes the organisation.
    const existing = this.accounts.get(lower(login));
    if (existing) this.users.delete(existing.login);
    const org = existing ?? this.addAccount(login, 'Organization');
    org.type = 'Organization';
    org.basePermission = options.basePermission ?? 'read';
    const visible = new Set((options.publicMembers ?? []).map(lower));
    for (const member of options.members ?? [])
      this.addOrgMember(login, member, { public: visible.has(lower(member)) });
    for (const admin of options.admins ?? [])
      this.addOrgMember(login, admin, { role: 'admin', public: visible.has(lower(admin)) });
    return org;
  }

  addOrgMember(
    org: string,
    login: string,
    options: { role?: 'admin' | 'member'; public?: boolean } = {},
  ): void {
    this.organization(org).members.set(lower(login), {
      login,
      role: options.role ?? 'member',
      public: options.public ?? false,
    });
    if (!this.accounts.has(lower(login))) this.addUser(login);
  }

  /** Removes a member from the organisation and from its teams. */
  removeOrgMember(org: string, login: string): void {
    const account = this.organization(org);
    account.members.delete(lower(login));
    for (const team of account.teams.values()) team.members.delete(lower(login));
  }

  /**
   * Adds a team of an organisation, with members (made members of the organisation too, as
   * GitHub requires) and the repositories (full names) it has access to.
   */
  addTeam(
    org: string,
    slug: string,
    options: {
      name?: string;
      description?: string;
      privacy?: 'closed' | 'secret';
      members?: string[];
      maintainers?: string[];
      repositories?: string[];
    } = {},
  ): StandInTeam {
    const account = this.organization(org);
    const team: StandInTeam = {
      id: this.id(),
      slug,
      name: options.name ?? slug,
      description: options.description ?? null,
      privacy: options.privacy ?? 'closed',
      members: new Map(),
      repositories: new Set((options.repositories ?? []).map(lower)),
      createdAt: this.now().toISOString(),
    };
    account.teams.set(slug, team);
    for (const member of options.members ?? []) this.addTeamMember(org, slug, member);
    for (const member of options.maintainers ?? [])
      this.addTeamMember(org, slug, member, 'maintainer');
    return team;
  }

  addTeamMember(
    org: string,
    slug: string,
    login: string,
    role: 'member' | 'maintainer' = 'member',
  ): void {
    const account = this.organization(org);
    const team = account.teams.get(slug);
    if (!team) throw new Error(`${org} has no team ${slug}`);
    if (!account.members.has(lower(login))) this.addOrgMember(org, login);
    team.members.set(lower(login), { login, role });
  }

  removeTeamMember(org: string, slug: string, login: string): void {
    this.organization(org).teams.get(slug)?.members.delete(lower(login));
  }

  /**
   * Whether GitHub counts `login` a collaborator of the repository: a direct (or outside)
   * collaborator, the owner of a user's repository, or, in an organisation, an owner, any member
   * when the base permission is not `none`, or a member of a team with access to it.
   */
  isCollaborator(repository: StandInRepository, login: string): boolean {
    const who = lower(login);
    if (repository.collaborators.has(who)) return true;
    const owner = this.accounts.get(lower(repository.owner));
    if (!owner) return false;
    if (owner.type === 'User') return lower(owner.login) === who;
    const member = owner.members.get(who);
    if (!member) return false;
    if (member.role === 'admin' || owner.basePermission !== 'none') return true;
    return [...owner.teams.values()].some(
      (team) => team.members.has(who) && team.repositories.has(lower(repository.fullName)),
    );
  }

  /**
   * Counts of the logged requests (of one repository, by full name, or all): REST calls,
   * GraphQL calls, and GETs answered 200 and 304.
   */
  requestCounts(repository?: string): RequestCounts {
    const counts: RequestCounts = { rest: 0, graphql: 0, ok: 0, notModified: 0 };
    const wanted = repository === undefined ? undefined : lower(repository);
    for (const entry of this.log) {
      if (wanted !== undefined && lower(entry.repository ?? '') !== wanted) continue;
      if (entry.path === '/graphql') counts.graphql++;
      else counts.rest++;
      if (entry.method === 'GET' && entry.status === 200) counts.ok++;
      if (entry.status === 304) counts.notModified++;
    }
    return counts;
  }

  /** Whether a user or organisation of this login exists (case-insensitive). */
  hasAccount(login: string): boolean {
    return this.accounts.has(lower(login));
  }

  private addAccount(login: string, type: StandInAccount['type']): StandInAccount {
    if (this.accounts.has(lower(login)))
      throw new Error(`The stand-in already has an account ${login}`);
    const account: StandInAccount = {
      login,
      id: this.id(),
      type,
      createdAt: this.now().toISOString(),
      members: new Map(),
      teams: new Map(),
      basePermission: 'read',
    };
    this.accounts.set(lower(login), account);
    // A user object made before the account existed would name the wrong type.
    this.users.delete(login);
    return account;
  }

  private organization(login: string): StandInAccount {
    const account = this.accounts.get(lower(login));
    if (account?.type !== 'Organization') throw new Error(`${login} is not an organisation`);
    return account;
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
    if (params.owner !== undefined && params.repo !== undefined)
      entry.repository =
        this.repository(`${params.owner}/${params.repo}`)?.fullName ??
        `${params.owner}/${params.repo}`;
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
    reply(
      method === 'GET' && result.status === 200
        ? conditional(result, incoming.headers['if-none-match'])
        : result,
    );
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

  /** A user as GitHub embeds one (simple-user): one object per login, shared by every answer. */
  private user(login: string): Record<string, any> {
    let user = this.users.get(login);
    if (!user) {
      const account = this.accounts.get(lower(login));
      user = {
        ...example('simple-user'),
        login,
        ...(account ? { id: account.id } : {}),
        url: `${this.url}/users/${encodeURIComponent(login)}`,
        html_url: `https://github.com/${encodeURIComponent(login)}`,
        type: login.endsWith('[bot]') ? 'Bot' : (account?.type ?? 'User'),
      };
      // The URL is only known once the stand-in listens; users made before are made again.
      if (this.url) this.users.set(login, user);
    }
    return user;
  }

  /**
   * One page of a list, with GitHub's Link header. `view` turns the page's items into what is
   * answered, so a list of records is turned into JSON a page at a time.
   */
  private page<T>(
    request: Request,
    items: T[],
    view: (item: T) => unknown = (item) => item,
  ): Reply {
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
      body: items.slice((page - 1) * perPage, page * perPage).map(view),
    };
  }

  private notFound(): Reply {
    return { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };
  }

  // --- accounts ---------------------------------------------------------------------------------

  /** A repository as GitHub lists it (minimal-repository), or gets it (full-repository). */
  private repositoryView(repository: StandInRepository, full: boolean): Record<string, any> {
    const template = example(full ? 'full-repository' : 'minimal-repository');
    // The example's URLs name octocat/Hello-World at api.github.com: name this one, here.
    const renamed = JSON.parse(
      JSON.stringify(template)
        .replaceAll('https://api.github.com/repos/octocat/Hello-World', repository.apiUrl(''))
        .replaceAll('https://github.com/octocat/Hello-World', repository.htmlUrl()),
    ) as Record<string, any>;
    const owner = this.user(repository.owner);
    const view: Record<string, any> = {
      ...renamed,
      id: repository.id,
      node_id: `R_${repository.id}`,
      name: repository.name,
      full_name: repository.fullName,
      owner,
      private: repository.private,
      visibility: repository.private ? 'private' : 'public',
      fork: repository.fork,
      archived: repository.archived,
      disabled: false,
      description: repository.description,
      default_branch: repository.defaultBranch,
      created_at: repository.createdAt,
      updated_at: repository.pushedAt,
      pushed_at: repository.pushedAt,
    };
    if (full) {
      // GitHub's bundled example lags its schema here.
      view.has_discussions = false;
      if (view.organization) view.organization = owner.type === 'Organization' ? owner : null;
    }
    return view;
  }

  private accountView(account: StandInAccount): Record<string, any> {
    const template = example('public-user-default-response');
    const login = encodeURIComponent(account.login);
    const api = `${this.url}/users/${login}`;
    return {
      ...template,
      login: account.login,
      id: account.id,
      node_id: `${account.type === 'User' ? 'U' : 'O'}_${account.id}`,
      url: api,
      html_url: `https://github.com/${login}`,
      repos_url: `${api}/repos`,
      type: account.type,
      name: account.login,
      public_repos: this.repositories().filter(
        (r) => lower(r.owner) === lower(account.login) && !r.private,
      ).length,
      created_at: account.createdAt,
      updated_at: account.createdAt,
    };
  }

  /**
   * An owner's repositories, filtered and sorted as GitHub's listings are: `type` (all, public,
   * private, forks, sources, member; a user's: all, owner, member), `sort` (created, updated,
   * pushed, full_name) and `direction` (asc for full_name, desc otherwise, unless given).
   */
  private listRepositories(
    request: Request,
    account: StandInAccount,
    defaults: { type: string; sort: string; types: string[] },
    visible: (repository: StandInRepository) => boolean,
  ): Reply {
    const query = request.url.searchParams;
    const type = query.get('type') ?? defaults.type;
    const sort = query.get('sort') ?? defaults.sort;
    const direction = query.get('direction') ?? (sort === 'full_name' ? 'asc' : 'desc');
    if (
      !defaults.types.includes(type) ||
      !['created', 'updated', 'pushed', 'full_name'].includes(sort) ||
      !['asc', 'desc'].includes(direction)
    ) {
      this.violations.push(`GET ${request.url.pathname}: type, sort or direction out of range`);
      return validationFailed('Repository', 'type');
    }
    const owned = this.repositories().filter(
      (r) => lower(r.owner) === lower(account.login) && visible(r),
    );
    const matching = owned.filter((r) =>
      type === 'public'
        ? !r.private
        : type === 'private'
          ? r.private
          : type === 'forks'
            ? r.fork
            : type === 'sources'
              ? !r.fork
              : type !== 'member',
    );
    const key = (r: StandInRepository): string =>
      sort === 'full_name' ? lower(r.fullName) : sort === 'created' ? r.createdAt : r.pushedAt;
    const sign = direction === 'asc' ? 1 : -1;
    matching.sort((a, b) => sign * (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id));
    return this.page(request, matching, (r) => this.repositoryView(r, false));
  }

  private teamView(org: StandInAccount, team: StandInTeam): Record<string, any> {
    const template = example('team-full');
    const api = `${this.url}/orgs/${encodeURIComponent(org.login)}/teams/${team.slug}`;
    const orgApi = `${this.url}/orgs/${encodeURIComponent(org.login)}`;
    return {
      ...template,
      id: team.id,
      node_id: `T_${team.id}`,
      url: api,
      html_url: `https://github.com/orgs/${encodeURIComponent(org.login)}/teams/${team.slug}`,
      name: team.name,
      slug: team.slug,
      description: team.description,
      privacy: team.privacy,
      members_url: `${api}/members{/member}`,
      repositories_url: `${api}/repos`,
      parent: null,
      type: 'organization',
      members_count: team.members.size,
      repos_count: team.repositories.size,
      created_at: team.createdAt,
      updated_at: team.createdAt,
      organization: {
        ...template.organization,
        login: org.login,
        id: org.id,
        node_id: `O_${org.id}`,
        url: orgApi,
        repos_url: `${orgApi}/repos`,
        html_url: `https://github.com/${encodeURIComponent(org.login)}`,
        name: org.login,
        created_at: org.createdAt,
        updated_at: org.createdAt,
        archived_at: null,
      },
    };
  }

  /**
   * Whether the token may see the organisation's private membership: an installation token
   * (an app installed on it, with members:read) or a member's own token. Others are sent to
   * the public membership, as GitHub answers them (302).
   */
  private seesMembers(token: TokenInfo, org: StandInAccount): boolean {
    return token.installation || org.members.has(lower(token.login));
  }

  // --- issues -----------------------------------------------------------------------------

  /** GitHub's repository issue listing: state, labels (all of them), creator, sort, direction, pages. */
  private listIssues(request: Request, repository: StandInRepository): Reply {
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
    const matching = repository
      .issuesWithPullRequests()
      .filter(
        (issue) =>
          (state === 'all' || issue.state === state) &&
          (creator === undefined || String(issue.user.login).toLowerCase() === creator) &&
          wanted.every((name) =>
            issue.labels.some((label: { name: string }) => label.name.toLowerCase() === name),
          ),
      );
    const key = (issue: Record<string, any>): number =>
      sort === 'comments'
        ? repository.commentCount(issue.number)
        : Date.parse(sort === 'updated' ? issue.updated_at : issue.created_at);
    // Ties (one millisecond) are broken by number, which GitHub gives out in order of creation.
    const sign = direction === 'asc' ? 1 : -1;
    matching.sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
    return this.page(
      request,
      matching.map((issue) => repository.issueView(issue)),
    );
  }

  // --- workflows and contents ------------------------------------------------------------

  /**
   * GitHub's checks, in its words: an unknown workflow is 404; a workflow without the trigger, a
   * ref that is no branch or tag, and inputs the workflow does not declare are 422. A dispatch
   * starts a run (answered 204, or 200 with its URLs for `return_run_details`).
   */
  private dispatch(request: Request, repository: StandInRepository): Reply {
    const workflow = repository.workflowOf(request.params.workflow_id!);
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
    if (!repository.branches.has(ref) && !repository.files.has(ref))
      return fail(`No ref found for: ${input.ref}`);
    const given = Object.keys(input.inputs ?? {});
    // The request check refuses more (maxProperties); kept here too in case a body skips it.
    if (given.length > DISPATCH_INPUTS_LIMIT)
      return fail(
        `you may only define up to ${DISPATCH_INPUTS_LIMIT} \`inputs\` for a workflow_dispatch event`,
      );
    const unexpected = given.filter((name) => !workflow.dispatchInputs!.includes(name));
    if (unexpected.length) return fail(`Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
    const run = repository.recordRun(
      workflow,
      'workflow_dispatch',
      this.now(),
      request.token.login,
      ref,
    );
    return input.return_run_details
      ? {
          status: 200,
          body: { workflow_run_id: run.id, run_url: run.url, html_url: run.html_url },
        }
      : { status: 204 };
  }

  /** A workflow's runs, newest first, by `event` and GitHub's `created` date qualifier, in pages. */
  private listRuns(request: Request, repository: StandInRepository): Reply {
    const workflow = repository.workflowOf(request.params.workflow_id!);
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
    const matching = repository.runs
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
  private contents(request: Request, repository: StandInRepository): Reply {
    const ref = request.url.searchParams.get('ref') || repository.defaultBranch;
    // Like GET /commits/{ref}, any full commit sha exists (with no files unless some were
    // committed); an unknown branch or tag does not.
    const tree =
      repository.files.get(ref) ??
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
      const self = repository.apiUrl(`/contents/${name}?ref=${encodeURIComponent(ref)}`);
      const html = repository.htmlUrl(`/${bytes ? 'blob' : 'tree'}/${ref}/${name}`);
      const git = repository.apiUrl(`/git/${bytes ? 'blobs' : 'trees'}/${sha}`);
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
          ? `https://raw.githubusercontent.com/${repository.fullName}/${ref}/${name}`
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

  // --- endpoints --------------------------------------------------------------------------

  private defineRoutes(): void {
    const repoPath = '/repos/{owner}/{repo}';
    const inRepo =
      (handler: RepositoryHandler): Handler =>
      (request) => {
        const repository = this.repository(`${request.params.owner}/${request.params.repo}`);
        return repository ? handler(request, repository) : this.notFound();
      };

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

    this.defineAccountRoutes();

    // Some of GitHub's bundled examples lag its schema (has_discussions, requested_teams[].type,
    // files[].sha); the stand-in fills those in so that what it answers is what the schema says.
    this.route(
      'GET',
      repoPath,
      inRepo((_, repository) => ({ status: 200, body: this.repositoryView(repository, true) })),
    );

    // 204 for a collaborator, 404 for anyone else, as GitHub documents.
    this.route(
      'GET',
      `${repoPath}/collaborators/{username}`,
      inRepo((request, repository) =>
        this.isCollaborator(repository, request.params.username!)
          ? { status: 204 }
          : this.notFound(),
      ),
    );

    this.route(
      'GET',
      `${repoPath}/pulls/{pull_number}`,
      inRepo((request, repository) => {
        const pr = example('pull-request');
        pr.number = Number(request.params.pull_number);
        pr.requested_teams = [];
        const known = repository.pullRequests.get(pr.number);
        if (repository.pullRequests.size && !known) return this.notFound();
        if (known) pr.head.sha = known.headSha;
        pr.base.repo = {
          ...pr.base.repo,
          name: repository.name,
          full_name: repository.fullName,
          owner: { ...pr.base.repo.owner, login: repository.owner },
        };
        return { status: 200, body: pr };
      }),
    );

    this.route(
      'GET',
      `${repoPath}/commits/{ref}`,
      inRepo((request) => ({
        status: 200,
        body: { ...example('commit'), sha: request.params.ref, files: [] },
      })),
    );

    this.route(
      'GET',
      `${repoPath}/contents/{path}`,
      inRepo((request, repository) => this.contents(request, repository)),
    );

    // Issue and pull-request comments.
    this.route(
      'GET',
      `${repoPath}/issues/{issue_number}/comments`,
      inRepo((request, repository) =>
        this.page(request, repository.comments.get(Number(request.params.issue_number)) ?? []),
      ),
    );
    this.route(
      'POST',
      `${repoPath}/issues/{issue_number}/comments`,
      inRepo((request, repository) => {
        const text = (request.body as { body: string }).body;
        if (text.length > COMMENT_BODY_LIMIT) return tooLong();
        const issue = Number(request.params.issue_number);
        const id = this.id();
        const now = new Date().toISOString();
        const comment = {
          ...example('issue-comment'),
          id,
          node_id: `IC_${id}`,
          url: repository.apiUrl(`/issues/comments/${id}`),
          html_url: repository.htmlUrl(`/pull/${issue}#issuecomment-${id}`),
          issue_url: repository.apiUrl(`/issues/${issue}`),
          body: text,
          user: this.user(request.token.login),
          created_at: now,
          updated_at: now,
        };
        repository.comments.set(issue, [...(repository.comments.get(issue) ?? []), comment]);
        return { status: 201, body: comment };
      }),
    );
    const findComment = (repository: StandInRepository, id: number) =>
      [...repository.comments.values()].flat().find((c) => c.id === id);
    this.route(
      'GET',
      `${repoPath}/issues/comments/{comment_id}`,
      inRepo((request, repository) => {
        const comment = findComment(repository, Number(request.params.comment_id));
        return comment ? { status: 200, body: comment } : this.notFound();
      }),
    );
    this.route(
      'PATCH',
      `${repoPath}/issues/comments/{comment_id}`,
      inRepo((request, repository) => {
        const comment = findComment(repository, Number(request.params.comment_id));
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
      inRepo((request, repository) => {
        const id = Number(request.params.comment_id);
        for (const [issue, list] of repository.comments)
          repository.comments.set(
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
      inRepo((request, repository) => this.listIssues(request, repository)),
    );
    this.route(
      'POST',
      `${repoPath}/issues`,
      inRepo((request, repository) => {
        const input = request.body as { title: string | number; body?: string; labels?: unknown[] };
        if ((input.body ?? '').length > COMMENT_BODY_LIMIT) return tooLong('Issue');
        const issue = repository.newIssue(
          {
            title: String(input.title),
            body: input.body ?? null,
            labels: labelNames(input.labels ?? []),
            pullRequest: false,
          },
          request.token.login,
          this.now(),
        );
        repository.addIssue(issue);
        return {
          status: 201,
          headers: { location: issue.url },
          body: repository.issueView(issue),
        };
      }),
    );
    this.route(
      'PATCH',
      `${repoPath}/issues/{issue_number}`,
      inRepo((request, repository) => {
        const issue = repository.issues.find(
          (i) => i.number === Number(request.params.issue_number),
        );
        if (!issue) return this.notFound();
        const input = request.body as Record<string, any>;
        if (typeof input.body === 'string' && input.body.length > COMMENT_BODY_LIMIT)
          return tooLong('Issue');
        if (input.title !== undefined && input.title !== null) issue.title = String(input.title);
        if (input.body !== undefined) issue.body = input.body;
        if (Array.isArray(input.labels))
          issue.labels = labelNames(input.labels).map((name) => repository.label(name));
        // As documented: state_reason is ignored unless the state changes.
        if (input.state && input.state !== issue.state)
          repository.changeState(issue, input.state, input.state_reason, request.token.login);
        issue.updated_at = this.now().toISOString();
        return { status: 200, body: repository.issueView(issue) };
      }),
    );

    // Workflows: dispatch, and the runs of a workflow.
    this.route(
      'POST',
      `${repoPath}/actions/workflows/{workflow_id}/dispatches`,
      inRepo((request, repository) => this.dispatch(request, repository)),
    );
    this.route(
      'GET',
      `${repoPath}/actions/workflows/{workflow_id}/runs`,
      inRepo((request, repository) => this.listRuns(request, repository)),
    );

    // Deployments and their statuses.
    this.route(
      'POST',
      `${repoPath}/deployments`,
      inRepo((request, repository) => this.createDeployment(request, repository)),
    );
    this.route(
      'GET',
      `${repoPath}/deployments`,
      inRepo((request, repository) => {
        const query = request.url.searchParams;
        const filter = (name: string) => query.get(name) ?? undefined;
        const matching = repository.findDeployments({
          sha: filter('sha'),
          ref: filter('ref'),
          task: filter('task'),
          environment: filter('environment'),
        });
        return this.page(request, matching, (d) => repository.deploymentView(d));
      }),
    );
    const deploymentOf = (repository: StandInRepository, id: string | undefined) => {
      const found = this.deploymentIndex.get(Number(id));
      return found?.repository === repository ? found.deployment : undefined;
    };
    this.route(
      'GET',
      `${repoPath}/deployments/{deployment_id}`,
      inRepo((request, repository) => {
        const deployment = deploymentOf(repository, request.params.deployment_id);
        return deployment
          ? { status: 200, body: repository.deploymentView(deployment) }
          : this.notFound();
      }),
    );
    this.route(
      'POST',
      `${repoPath}/deployments/{deployment_id}/statuses`,
      inRepo((request, repository) => {
        const deployment = deploymentOf(repository, request.params.deployment_id);
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
        const status = repository.addStatus(deployment, input, request.token.login);
        return { status: 201, body: repository.statusView(deployment, status) };
      }),
    );
    this.route(
      'GET',
      `${repoPath}/deployments/{deployment_id}/statuses`,
      inRepo((request, repository) => {
        const deployment = deploymentOf(repository, request.params.deployment_id);
        return this.page(request, deployment ? [...deployment.statuses].reverse() : [], (s) =>
          repository.statusView(deployment!, s),
        );
      }),
    );

    // The environment review log of a workflow run (required reviewers' approvals).
    this.route(
      'GET',
      `${repoPath}/actions/runs/{run_id}/approvals`,
      inRepo((request, repository) => {
        const reviews = repository.runReviews.get(Number(request.params.run_id)) ?? [];
        const environment = (name: string) => {
          const { id, node_id, created_at, updated_at } = example('environment') as Record<
            string,
            unknown
          >;
          return {
            id,
            node_id,
            name,
            url: repository.apiUrl(`/environments/${encodeURIComponent(name)}`),
            html_url: repository.htmlUrl(
              `/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
            ),
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
      inRepo((request, repository) => {
        const name = request.params.environment_name!;
        if (!repository.environments.has(name)) return this.notFound();
        return {
          status: 200,
          body: {
            ...example('environment'),
            name,
            url: repository.apiUrl(`/environments/${encodeURIComponent(name)}`),
            html_url: repository.htmlUrl(
              `/deployments/activity_log?environments_filter=${encodeURIComponent(name)}`,
            ),
          },
        };
      }),
    );

    // Artifacts of workflow runs, as another workflow reads them (@actions/artifact with findBy).
    const artifactJson = (
      repository: StandInRepository,
      a: ReturnType<GitHubApiStandIn['artifactsOf']>[number],
    ) => ({
      ...example('artifact'),
      id: a.id,
      node_id: `MDg6QXJ0aWZhY3Q${a.id}`,
      name: a.name,
      size_in_bytes: a.size,
      url: repository.apiUrl(`/actions/artifacts/${a.id}`),
      archive_download_url: repository.apiUrl(`/actions/artifacts/${a.id}/zip`),
      expired: false,
      digest: a.digest ?? null,
      created_at: a.createdAt,
      updated_at: a.createdAt,
      expires_at: new Date(Date.parse(a.createdAt) + 90 * 86_400_000).toISOString(),
      workflow_run: null,
    });
    this.route(
      'GET',
      `${repoPath}/actions/runs/{run_id}/artifacts`,
      inRepo((request, repository) => {
        const backend = repository.workflowRuns.get(Number(request.params.run_id));
        if (!backend) return this.notFound();
        const name = request.url.searchParams.get('name');
        const artifacts = this.artifactsOf(backend).filter((a) => name === null || a.name === name);
        return {
          status: 200,
          body: {
            total_count: artifacts.length,
            artifacts: artifacts.map((a) => artifactJson(repository, a)),
          },
        };
      }),
    );
    this.route(
      'GET',
      `${repoPath}/actions/artifacts/{artifact_id}/{archive_format}`,
      inRepo((request, repository) => {
        const id = Number(request.params.artifact_id);
        const artifact = [...repository.workflowRuns.values()]
          .flatMap((backend) => this.artifactsOf(backend))
          .find((a) => a.id === id);
        if (!artifact || request.params.archive_format !== 'zip') return this.notFound();
        return { status: 302, headers: { location: artifact.downloadUrl } };
      }),
    );

    this.defineReleaseRoutes(repoPath, inRepo);
  }

  private defineAccountRoutes(): void {
    const account = (login: string | undefined) => this.accounts.get(lower(login ?? ''));
    const org = (login: string | undefined) => {
      const found = account(login);
      return found?.type === 'Organization' ? found : undefined;
    };

    this.route('GET', '/users/{username}', (request) => {
      const found = account(request.params.username);
      return found ? { status: 200, body: this.accountView(found) } : this.notFound();
    });

    // An organisation's repositories: private ones too, for a token that may read them (the
    // stand-in's tokens may read every repository).
    this.route('GET', '/orgs/{org}/repos', (request) => {
      const found = org(request.params.org);
      if (!found) return this.notFound();
      return this.listRepositories(
        request,
        found,
        {
          type: 'all',
          sort: 'created',
          types: ['all', 'public', 'private', 'forks', 'sources', 'member'],
        },
        () => true,
      );
    });

    // GitHub: "Lists public repositories for the specified user" (an organisation's too), to
    // any token: a user's private repositories are listed only by GET /user/repos.
    this.route('GET', '/users/{username}/repos', (request) => {
      const found = account(request.params.username);
      if (!found) return this.notFound();
      return this.listRepositories(
        request,
        found,
        { type: 'owner', sort: 'full_name', types: ['all', 'owner', 'member'] },
        (r) => !r.private,
      );
    });

    // 204 for a member, 404 for anyone else, to a token that may see the organisation's
    // members; any other token is sent to the public membership (302), as GitHub documents.
    this.route('GET', '/orgs/{org}/members/{username}', (request) => {
      const found = org(request.params.org);
      if (!found) return this.notFound();
      if (!this.seesMembers(request.token, found))
        return {
          status: 302,
          headers: {
            location: `${this.url}/orgs/${encodeURIComponent(found.login)}/public_members/${encodeURIComponent(request.params.username!)}`,
          },
        };
      return found.members.has(lower(request.params.username!)) ? { status: 204 } : this.notFound();
    });
    this.route('GET', '/orgs/{org}/public_members/{username}', (request) => {
      const member = org(request.params.org)?.members.get(lower(request.params.username!));
      return member?.public ? { status: 204 } : this.notFound();
    });

    this.route('GET', '/orgs/{org}/teams/{team_slug}', (request) => {
      const found = org(request.params.org);
      const team = found?.teams.get(request.params.team_slug!);
      return found && team ? { status: 200, body: this.teamView(found, team) } : this.notFound();
    });
    this.route('GET', '/orgs/{org}/teams/{team_slug}/members', (request) => {
      const team = org(request.params.org)?.teams.get(request.params.team_slug!);
      if (!team) return this.notFound();
      const role = request.url.searchParams.get('role') ?? 'all';
      const members = [...team.members.values()].filter((m) => role === 'all' || m.role === role);
      return this.page(request, members, (m) => this.user(m.login));
    });
    this.route('GET', '/orgs/{org}/teams/{team_slug}/memberships/{username}', (request) => {
      const found = org(request.params.org);
      const team = found?.teams.get(request.params.team_slug!);
      const member = team?.members.get(lower(request.params.username!));
      if (!found || !team || !member) return this.notFound();
      return {
        status: 200,
        body: {
          url: `${this.url}/teams/${team.id}/memberships/${encodeURIComponent(member.login)}`,
          role: member.role,
          state: 'active',
        },
      };
    });
  }

  // Releases and their assets.
  private defineReleaseRoutes(repoPath: string, inRepo: (handler: RepositoryHandler) => Handler) {
    this.route(
      'POST',
      `${repoPath}/releases`,
      inRepo((request, repository) => {
        const input = request.body as Record<string, any>;
        if (repository.releaseByTag(input.tag_name)) {
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
              documentation_url: DOCS,
            },
          };
        }
        const release = repository.recordRelease(
          input,
          request.token.login,
          new Date().toISOString(),
        );
        return { status: 201, body: repository.releaseView(release) };
      }),
    );
    const releaseOf = (repository: StandInRepository, id: string | undefined) =>
      repository.release(Number(id));
    this.route(
      'GET',
      `${repoPath}/releases`,
      inRepo((request, repository) =>
        this.page(request, [...repository.releaseRecords].reverse(), (r) =>
          repository.releaseView(r),
        ),
      ),
    );
    this.route(
      'PATCH',
      `${repoPath}/releases/{release_id}`,
      inRepo((request, repository) => {
        const release = releaseOf(repository, request.params.release_id);
        if (!release) return this.notFound();
        const input = request.body as Record<string, any>;
        if (input.name !== undefined) release.name = input.name;
        if (input.body !== undefined) release.body = input.body;
        if (input.draft !== undefined) release.draft = input.draft;
        if (input.prerelease !== undefined) release.prerelease = input.prerelease;
        if (input.target_commitish !== undefined) release.target = input.target_commitish;
        if (input.draft === false && !release.publishedAt)
          release.publishedAt = new Date().toISOString();
        return { status: 200, body: repository.releaseView(release) };
      }),
    );
    this.route(
      'GET',
      `${repoPath}/releases/tags/{tag}`,
      inRepo((request, repository) => {
        // As on GitHub, a draft is not found by its tag: it has no tag until it is published.
        const release = repository.releaseByTag(request.params.tag!);
        return release && !release.draft
          ? { status: 200, body: repository.releaseView(release) }
          : this.notFound();
      }),
    );
    this.route(
      'GET',
      `${repoPath}/releases/{release_id}/assets`,
      inRepo((request, repository) => {
        const release = releaseOf(repository, request.params.release_id);
        return this.page(request, release?.assets ?? [], (a) => repository.assetView(release!, a));
      }),
    );
    this.route(
      'POST',
      `${repoPath}/releases/{release_id}/assets`,
      inRepo((request, repository) => {
        const release = releaseOf(repository, request.params.release_id);
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
        if (release.assets.some((a) => a.name === name))
          return {
            status: 422,
            body: {
              message: 'Validation Failed',
              errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
              documentation_url: DOCS,
            },
          };
        const asset = repository.recordAsset(release, {
          name,
          label: request.url.searchParams.get('label') ?? '',
          contentType: 'application/octet-stream',
          bytes: request.raw,
          uploader: request.token.login,
          createdAt: new Date().toISOString(),
        });
        return { status: 201, body: repository.assetView(release, asset) };
      }),
      { rawBody: true },
    );
    this.route(
      'GET',
      `${repoPath}/releases/assets/{asset_id}`,
      inRepo((request, repository) => {
        const found = this.assetIndex.get(Number(request.params.asset_id));
        if (!found || found.repository !== repository) return this.notFound();
        // The asset's bytes for `Accept: application/octet-stream`, its description otherwise.
        const raw = /octet-stream/.test(request.accept);
        return raw
          ? {
              status: 200,
              headers: { 'content-type': 'application/octet-stream' },
              body: found.asset.bytes,
            }
          : { status: 200, body: repository.assetView(found.release, found.asset) };
      }),
    );
  }

  // --- deployments ------------------------------------------------------------------------------

  /**
   * What the runner records for a job that declares `environment:` (actions/runner#1001): a
   * deployment of task `deploy` on the job's commit, then statuses with GitHub's defaults, so its
   * success marks earlier non-production deployments to that environment name inactive.
   */
  environmentJob(environment: string, sha = 'e'.repeat(40), repository = this.home): number {
    const deployment = repository.recordDeployment(
      { ref: sha, task: 'deploy', environment },
      'github-actions[bot]',
    );
    repository.addStatus(deployment, { state: 'in_progress' }, 'github-actions[bot]');
    repository.addStatus(deployment, { state: 'success' }, 'github-actions[bot]');
    return deployment.id;
  }

  /**
   * Records a deployment of the home repository and its statuses as if they had been sent over
   * the API (a test's history of earlier promotions), without the client's write throttling of
   * one per second. For other repositories, and for many at once, see StandInRepository.addDeployment.
   */
  seedDeployment(
    input: Record<string, any>,
    states: string[],
    login = 'github-actions[bot]',
  ): number {
    const deployment = this.home.recordDeployment(input, login);
    for (const state of states)
      this.home.addStatus(deployment, { state, auto_inactive: false }, login);
    return deployment.id;
  }

  /**
   * The object GraphQL's `node(id:)` and `nodes(ids:)` find: a deployment of any repository,
   * with its statuses, creator and repository (the fields GitHub's schema has that the REST
   * state holds; graphql-js reads each from the object's property of that name).
   */
  private graphqlNode(id: string): GraphqlNode | undefined {
    const match = /^DE_(\d+)$/.exec(id);
    const found = match ? this.deploymentIndex.get(Number(match[1])) : undefined;
    if (!found) return undefined;
    const { deployment, repository } = found;
    const actor = (login: string) => ({
      __typename: login.endsWith('[bot]') ? 'Bot' : 'User',
      login,
    });
    // Oldest first, as GitHub's connection pages them; GraphQL's states are spelled in capitals.
    const oldestFirst = deployment.statuses.map((s) => ({
      state: s.state.toUpperCase(),
      description: s.description,
      createdAt: s.createdAt,
      updatedAt: s.createdAt,
      logUrl: s.logUrl || null,
      environmentUrl: s.environmentUrl ?? null,
      creator: actor(s.creator),
    }));
    return {
      __typename: 'Deployment',
      id,
      databaseId: deployment.id,
      task: deployment.task,
      environment: deployment.environment,
      originalEnvironment: deployment.environment,
      description: deployment.description,
      // GitHub's GraphQL gives the payload as a JSON string.
      payload: JSON.stringify(deployment.payload),
      commitOid: deployment.sha,
      createdAt: deployment.createdAt,
      updatedAt: deployment.createdAt,
      creator: actor(deployment.creator),
      repository: {
        __typename: 'Repository',
        name: repository.name,
        nameWithOwner: repository.fullName,
        isArchived: repository.archived,
        isPrivate: repository.private,
        owner: {
          __typename:
            this.accounts.get(lower(repository.owner))?.type === 'Organization'
              ? 'Organization'
              : 'User',
          login: repository.owner,
        },
      },
      latestStatus: oldestFirst.at(-1) ?? null,
      statuses: ({ first, last }: { first?: number; last?: number }) => {
        const nodes =
          last !== undefined ? oldestFirst.slice(-last) : oldestFirst.slice(0, first ?? 100);
        return { nodes, totalCount: oldestFirst.length };
      },
    };
  }

  private createDeployment(request: Request, repository: StandInRepository): Reply {
    const input = request.body as Record<string, any>;
    const ref: string = input.ref;
    if (input.auto_merge !== false && repository.refsBehindDefault.has(ref)) {
      // GitHub merges the default branch into the ref instead of deploying.
      return {
        status: 202,
        body: { message: `Auto-merged ${repository.defaultBranch} into ${ref} on deployment.` },
      };
    }
    const statuses = repository.commitStatuses.get(ref) ?? {};
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
    const deployment = repository.recordDeployment(input, request.token.login);
    return { status: 201, body: repository.deploymentView(deployment) };
  }
}

/**
 * A GET answered 200 with its ETag (GitHub's weak `W/"<sha-256>"` of what it answers), or 304
 * Not Modified with no body when the request's If-None-Match names that tag (GitHub does not
 * count such a 304 against the primary rate limit of an authorised request).
 */
function conditional(reply: Reply, ifNoneMatch: string | undefined): Reply {
  const payload = Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body ?? null);
  const hash = createHash('sha256').update(payload);
  // The Link header is part of what a page says: a list that grew changes the last page's URL.
  if (reply.headers?.link) hash.update(reply.headers.link);
  const etag = `W/"${hash.digest('hex')}"`;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const matches =
    ifNoneMatch !== undefined &&
    ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
  if (matches)
    return {
      status: 304,
      headers: { etag, ...(reply.headers?.link ? { link: reply.headers.link } : {}) },
    };
  return { ...reply, headers: { ...reply.headers, etag } };
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
