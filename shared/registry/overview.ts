/**
 * The registry at a glance: every model, the version in each environment, when and by whom it
 * was promoted. Read from the deployments promote-model records (task `model:<name>`), the same
 * records compare-metrics and promote-model judge by.
 */
import { isIdentifier } from '../identifiers.js';
import { describeApprovals } from './approvals.js';
import { modelsInEnvironment, type DeployedModel, type Registry } from './github-registry.js';

const MODEL_TASK = /^model:(.+)$/;

export interface RegistryEntry {
  model: string;
  environment: string;
  deployed: DeployedModel;
}

/**
 * The model in each environment, for every model and environment that has a promotion. One
 * listing of all deployments finds the pairs; then each pair is walked newest-first until a
 * deployment whose latest status is success, as compare-metrics does.
 */
export async function readRegistry(
  registry: Registry,
  filter: { model?: string } = {},
): Promise<RegistryEntry[]> {
  const pairs = new Map<string, { model: string; environment: string }>();
  for await (const deployment of registry.listDeployments(
    filter.model ? { task: `model:${filter.model}` } : {},
  )) {
    const model = MODEL_TASK.exec(deployment.task)?.[1];
    // A task anyone with deployment access could have named: only a model name is a model of ours.
    if (!isIdentifier('model name', model) || (filter.model && model !== filter.model)) continue;
    pairs.set(`${model}\u0000${deployment.environment}`, {
      model,
      environment: deployment.environment,
    });
  }
  const entries: RegistryEntry[] = [];
  for (const { model, environment } of [...pairs.values()].sort(byModelThenEnvironment)) {
    for await (const deployed of modelsInEnvironment(registry, model, environment)) {
      entries.push({ model, environment, deployed });
      break;
    }
  }
  return entries;
}

function byModelThenEnvironment(
  a: { model: string; environment: string },
  b: { model: string; environment: string },
): number {
  return a.model.localeCompare(b.model) || a.environment.localeCompare(b.environment);
}

/** A plain-text table for a terminal: names come from the repository, so control characters are dropped. */
export function renderRegistry(entries: readonly RegistryEntry[]): string {
  if (!entries.length)
    return 'No model has been promoted in this repository yet (no successful deployment of a task model:<name>).\n';
  const header = ['MODEL', 'ENVIRONMENT', 'VERSION', 'PROMOTED', 'BY', 'APPROVED BY', 'NOTE'];
  const rows = entries.map(({ model, environment, deployed }) => {
    const { payload } = deployed;
    const note = payload.rollback
      ? `rollback from ${payload.rollback.from ?? '-'}: ${payload.rollback.reason}`
      : payload.overrideReason
        ? `gates overridden: ${payload.overrideReason}`
        : '';
    const approved = payload.approvals?.some((a) => a.state === 'approved')
      ? describeApprovals(payload.approvals)
      : '-';
    return [
      model,
      environment,
      payload.version,
      deployed.createdAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'),
      deployed.creator ?? '-',
      approved,
      note,
    ].map(printable);
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
