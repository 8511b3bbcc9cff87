/**
 * GitHub beyond one repository, in memory: a FakeGitHub per repository, the owners' repository
 * lists, collaborators and teams, for in-process tests of the fleet view. The REST stand-in
 * (harness/stand-ins) models the same over HTTP for the bundle tests.
 */
import type { Repository } from '../../shared/github/client.js';
import type { GitHubAccounts, GitHubPort, OwnedRepository } from '../../shared/github/port.js';
import { FakeGitHub, GitHubError, READ_WRITE, type FakeToken } from './github-port.js';

export class FakeAccounts implements GitHubAccounts {
  readonly repositories = new Map<string, FakeGitHub>();
  readonly archived = new Set<string>();
  /** Collaborators by repository full name (lower case). */
  readonly collaborators = new Map<string, Set<string>>();
  /** Teams as `org/slug` (lower case). */
  readonly teams = new Set<string>();
  /** Asked membership questions the token may not ask (403). */
  membershipDenied = false;
  readonly asked: string[] = [];

  constructor(private readonly token: FakeToken = READ_WRITE) {}

  /** A repository with its own deployments, releases and issues. */
  repository(fullName: string): FakeGitHub {
    const key = fullName.toLowerCase();
    let fake = this.repositories.get(key);
    if (!fake) {
      fake = new FakeGitHub();
      const [owner, repo] = fullName.split('/');
      Object.defineProperty(fake, 'repository', { value: { owner: owner!, repo: repo! } });
      this.repositories.set(key, fake);
    }
    return fake;
  }

  /** An existing in-memory repository (an in-process step's) as `fullName`. */
  adopt(fullName: string, fake: FakeGitHub): void {
    this.repositories.set(fullName.toLowerCase(), fake);
  }

  addCollaborator(fullName: string, login: string): void {
    const key = fullName.toLowerCase();
    const set = this.collaborators.get(key) ?? new Set<string>();
    set.add(login.toLowerCase());
    this.collaborators.set(key, set);
  }

  async viewer(): Promise<string> {
    return this.token.login;
  }

  port(repository: Repository): GitHubPort {
    const fake = this.repositories.get(`${repository.owner}/${repository.repo}`.toLowerCase());
    if (fake) return fake.port(this.token);
    // A repository that does not exist answers 404 to everything, as GitHub does.
    return new Proxy({ repository } as GitHubPort, {
      get: (target, name) =>
        name === 'repository'
          ? target.repository
          : () => {
              throw new GitHubError(404, 'Not Found');
            },
    });
  }

  async *listRepositories(owner: string): AsyncIterable<OwnedRepository> {
    this.asked.push(`repos ${owner}`);
    const found = [...this.repositories.entries()].filter(([key]) =>
      key.startsWith(`${owner.toLowerCase()}/`),
    );
    if (!found.length) throw new GitHubError(404, 'Not Found');
    for (const [key, fake] of found)
      yield {
        fullName: `${fake.repository.owner}/${fake.repository.repo}`,
        htmlUrl: `https://github.com/${fake.repository.owner}/${fake.repository.repo}`,
        archived: this.archived.has(key),
        fork: false,
      };
  }

  async isCollaborator(repository: Repository, login: string): Promise<boolean | undefined> {
    this.asked.push(`collaborator ${repository.owner}/${repository.repo} ${login}`);
    if (this.membershipDenied) return undefined;
    return (
      this.collaborators
        .get(`${repository.owner}/${repository.repo}`.toLowerCase())
        ?.has(login.toLowerCase()) ?? false
    );
  }

  async teamExists(org: string, slug: string): Promise<boolean | undefined> {
    this.asked.push(`team ${org}/${slug}`);
    if (this.membershipDenied) return undefined;
    return this.teams.has(`${org}/${slug}`.toLowerCase());
  }

  counts(): { rest: number; graphql: number; notModified: number } {
    const calls = [...this.repositories.values()].flatMap((fake) => fake.calls);
    return {
      rest: calls.filter((call) => call !== 'deploymentStatuses').length,
      graphql: calls.filter((call) => call === 'deploymentStatuses').length,
      notModified: 0,
    };
  }
}
