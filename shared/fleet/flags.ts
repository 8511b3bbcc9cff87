/**
 * The health flags of a model in an environment, each with the sentence that explains it:
 * - stale: neither promoted nor checked by the monitor within `staleAfterDays`;
 * - orphaned: nobody recorded as its owner still belongs (or none was ever recorded);
 * - unwatched: no monitor reports on it (production environments only: staging models are
 *   rarely monitored, and a flag on every one of them would hide the ones that matter);
 * - overridden: the version there now was promoted with its gates overridden.
 * Pure: the reader gathers the facts, this decides.
 */
import type { Flag, FleetEnvironment, FleetModel } from './fleet-document.js';

/** A day, for ages and the stale rule (the fleet counts whole days). */
export const DAY_MS = 86_400_000;

export interface FlagRules {
  now: Date;
  staleAfterDays: number;
  /** Environments where a model must be monitored (default: production). */
  watchedEnvironments: readonly string[];
}

export function flagEnvironment(
  environment: FleetEnvironment,
  owner: FleetModel['owner'],
  rules: FlagRules,
): FleetEnvironment {
  const reasons: Partial<Record<Flag, string>> = {};
  const { current, monitor } = environment;
  if (current) {
    const lastSeen = Math.max(
      Date.parse(current.promotedAt),
      monitor ? Date.parse(monitor.checkedAt) : -Infinity,
    );
    const idleDays = Math.floor((rules.now.getTime() - lastSeen) / DAY_MS);
    if (idleDays > rules.staleAfterDays)
      reasons.stale = `Neither promoted nor checked by the monitor for ${idleDays} days (more than ${rules.staleAfterDays}): last promoted ${current.promotedAt.slice(0, 10)}${monitor ? `, last monitored ${monitor.checkedAt.slice(0, 10)}` : ', never monitored'}.`;
    if (current.overrideReason)
      reasons.overridden = `Promoted with its gates overridden: ${current.overrideReason}`;
  }
  const orphaned = orphanReason(owner);
  if (orphaned) reasons.orphaned = orphaned;
  if (!monitor && current && rules.watchedEnvironments.includes(environment.name))
    reasons.unwatched = `No monitor reports on it: no monitor issue of monitor-model names this model in ${environment.name}.`;
  const flags = (['stale', 'orphaned', 'unwatched', 'overridden'] as const).filter(
    (flag) => reasons[flag],
  );
  return { ...environment, flags, reasons };
}

function orphanReason(owner: FleetModel['owner']): string | undefined {
  if (!owner.handles.length)
    return 'No owner was recorded at training (train-model `owner`, or a CODEOWNERS entry for the training code).';
  if (!owner.checked) return undefined;
  if (owner.gone.length === owner.handles.length)
    return `Its owner${owner.handles.length > 1 ? 's' : ''} ${owner.gone.join(', ')} no longer belong${owner.handles.length > 1 ? '' : 's'} to the repository (not a collaborator, or the team is gone).`;
  return undefined;
}
