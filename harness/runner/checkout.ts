/**
 * A workspace as actions/checkout leaves it: a git repository whose files are committed, so
 * that train-model fingerprints the code as it does on a runner. Files a workflow writes
 * afterwards (generated data, models) are untracked, as there.
 */
import { execFileSync } from 'node:child_process';
import { BOUNDED_CHILD } from './bounded-child.js';

export function commitCheckout(workspace: string): void {
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      [
        '-c',
        'user.name=mlops-actions tests',
        '-c',
        'user.email=tests@mlops-actions.invalid',
        '-c',
        'init.defaultBranch=main',
        '-c',
        'commit.gpgsign=false',
        ...args,
      ],
      { cwd: workspace, stdio: 'ignore', ...BOUNDED_CHILD },
    );
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'checkout');
}
