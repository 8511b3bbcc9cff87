/**
 * Whether a model's recorded owners still belong: a `@login` that is still a collaborator of the
 * repository (organisation members with access count, as GitHub's collaborator check counts
 * them), a `@org/team` that still exists. An e-mail address cannot be checked on GitHub and is
 * taken as present. Each handle is asked once per repository, however many models name it.
 */
import type { Repository } from '../github/client.js';
import type { GitHubAccounts } from '../github/port.js';
import type { FleetModel } from './fleet-document.js';

const TEAM = /^@([^/]+)\/(.+)$/;
const LOGIN = /^@([^/@]+)$/;

export class OwnerCheck {
  private readonly answers = new Map<string, Promise<boolean | undefined>>();

  constructor(private readonly github: GitHubAccounts) {}

  async ownerOf(repository: Repository, handles: readonly string[]): Promise<FleetModel['owner']> {
    const answers = await Promise.all(handles.map((handle) => this.belongs(repository, handle)));
    return {
      handles: [...handles],
      gone: handles.filter((_, index) => answers[index] === false),
      checked: answers.every((answer) => answer !== undefined),
    };
  }

  /** true: belongs; false: gone; undefined: the token may not ask. */
  private belongs(repository: Repository, handle: string): Promise<boolean | undefined> {
    const team = TEAM.exec(handle);
    const login = LOGIN.exec(handle);
    const key = team
      ? `team ${team[1]!.toLowerCase()}/${team[2]!.toLowerCase()}`
      : `${repository.owner}/${repository.repo} ${handle.toLowerCase()}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = team
        ? this.github.teamExists(team[1]!, team[2]!)
        : login
          ? this.github.isCollaborator(repository, login[1]!)
          : Promise.resolve(true);
      this.answers.set(key, answer);
    }
    return answer;
  }
}
