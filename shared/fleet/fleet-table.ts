/**
 * The fleet as a plain-text table for a terminal (`mlops-actions registry`): a row per model and
 * environment with its version, age, who promoted and approved it, owner, monitor status, bias
 * check and flags. Everything in it came from repositories, so control characters are dropped.
 */
import type { FleetDocument } from './fleet-document.js';
import { biasCheckText } from './bias-check.js';
import { fleetRows } from './site/fleet-page.js';

export function renderFleetTable(doc: FleetDocument): string {
  const rows = fleetRows(doc).filter((row) => row.environment);
  if (!rows.length)
    return 'No model has been promoted in these repositories yet (no successful deployment of a task model:<name>).\n';
  const manyRepositories = new Set(doc.models.map((model) => model.repository)).size > 1;
  const header = [
    ...(manyRepositories ? ['REPOSITORY'] : []),
    'MODEL',
    'ENVIRONMENT',
    'VERSION',
    'PROMOTED',
    'AGE',
    'BY',
    'APPROVED BY',
    'OWNER',
    'MONITOR',
    'BIAS CHECK',
    'FLAGS',
    'NOTE',
  ];
  const lines = rows.map(({ model, environment }) => {
    const current = environment!.current;
    const version = current && model.versions.find((v) => v.version === current.version);
    const note = current?.rollback
      ? `rollback from ${current.rollback.from ?? '-'}: ${current.rollback.reason}`
      : current?.overrideReason
        ? `gates overridden: ${current.overrideReason}`
        : '';
    const monitor = environment!.monitor;
    return [
      ...(manyRepositories ? [model.repository] : []),
      model.name,
      environment!.name,
      current?.version ?? '(none)',
      current ? current.promotedAt.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC') : '-',
      current ? `${current.ageDays}d` : '-',
      current?.promotedBy ?? '-',
      current?.approvedBy.length ? current.approvedBy.join(', ') : '-',
      model.owner.handles.length
        ? model.owner.handles
            .map((handle) => (model.owner.gone.includes(handle) ? `${handle} (gone)` : handle))
            .join(', ')
        : '-',
      monitor ? `${monitor.status} ${monitor.checkedAt.slice(0, 10)}` : 'not monitored',
      version ? biasCheckText(version) : '-',
      environment!.flags.join(', ') || '-',
      note,
    ].map(printable);
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  const skipped = doc.repositories
    .filter((repository) => repository.skipped)
    .map((repository) => `skipped ${repository.fullName}: ${repository.skipped}`);
  return [line(header), ...lines.map(line), ...skipped.map(printable)].join('\n') + '\n';
}

function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
