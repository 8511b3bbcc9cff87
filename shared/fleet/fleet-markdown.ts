/**
 * The fleet as Markdown for a job summary (or `registry --format markdown`): the counts, then
 * one compact row per model and environment (model, environment, version, age, owner, monitor,
 * flags), then the repositories skipped. Every string from the document is escaped
 * (shared/markdown/escape.ts: no markup, no table break, no @mention); links only to http(s).
 * GitHub refuses a step summary over 1 MiB, so rows past the budget are left out and counted.
 */
import { escapeMarkdown, markdownLink, markdownTable } from '../markdown/escape.js';
import type { FleetDocument } from './fleet-document.js';
import { fleetCounts, fleetRows } from './site/fleet-page.js';
import { modelPage } from './site/paths.js';

/** GitHub's limit on one step's summary, less room for what other steps of the job add. */
const SUMMARY_BUDGET = 1024 * 1024 - 64 * 1024;

export interface FleetMarkdownOptions {
  /** The published site's address: each model links to its page there. */
  siteUrl?: string;
  /** Bytes the Markdown may take (default: SUMMARY_BUDGET). */
  budget?: number;
}

const HEADER = ['Model', 'Environment', 'Version', 'Age', 'Owner', 'Monitor', 'Flags'];

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function renderFleetMarkdown(
  doc: FleetDocument,
  options: FleetMarkdownOptions = {},
): string {
  const budget = options.budget ?? SUMMARY_BUDGET;
  const c = fleetCounts(doc);
  const base = options.siteUrl?.replace(/\/*$/, '/');
  const head = [
    '## Model fleet',
    '',
    `${plural(c.models, 'model')}, ${c.inProduction} in production: ${c.stale} stale, ${c.orphaned} orphaned, ${c.unwatched} unwatched, ${c.overridden} overridden, ${c.drifting} drifting${c.degraded > 0 ? `, ${c.degraded} degraded` : ''}. Data read from GitHub at ${doc.generatedAt.replace('T', ' ').slice(0, 16)} UTC.`,
    '',
  ];
  const rows = fleetRows(doc).map(({ model, environment }) => {
    const name = escapeMarkdown(`${model.repository}/${model.name}`);
    const current = environment?.current;
    const monitor = environment?.monitor;
    const owner = model.owner.handles.length
      ? model.owner.handles
          .map((h) => `${escapeMarkdown(h)}${model.owner.gone.includes(h) ? ' (gone)' : ''}`)
          .join(', ')
      : '_none recorded_';
    return [
      base ? markdownLink(name, `${base}${modelPage(model)}`) : name,
      environment ? escapeMarkdown(environment.name) : '—',
      current ? escapeMarkdown(current.version) : '—',
      current ? plural(current.ageDays, 'day') : '—',
      owner,
      monitor ? markdownLink(escapeMarkdown(monitor.status), monitor.issue.url) : 'not monitored',
      environment && environment.flags.length > 0
        ? environment.flags.map((f) => `**${f}**`).join(', ')
        : '—',
    ];
  });
  const skipped = doc.repositories.filter((r) => r.skipped);
  const tail = skipped.length
    ? [
        '',
        '**Skipped:**',
        ...skipped.map((r) => `- ${escapeMarkdown(r.fullName)}: ${escapeMarkdown(r.skipped!)}`),
      ]
    : [];
  const size = (lines: string[]) => Buffer.byteLength(lines.join('\n'), 'utf8');
  // Whole rows until the budget, keeping room for the note on what was left out.
  const fixed = size([...head, markdownTable(HEADER, []), ...tail]) + 200;
  let used = fixed;
  let kept = 0;
  for (const row of rows) {
    const bytes =
      Buffer.byteLength(markdownTable(HEADER, [row]), 'utf8') -
      Buffer.byteLength(markdownTable(HEADER, []), 'utf8');
    if (used + bytes > budget) break;
    used += bytes;
    kept++;
  }
  const note =
    kept < rows.length
      ? [
          '',
          `_${rows.length - kept} more ${rows.length - kept === 1 ? 'row' : 'rows'} left out to keep the summary within GitHub's 1 MiB limit: the site and fleet.json have them all._`,
        ]
      : [];
  return [...head, markdownTable(HEADER, rows.slice(0, kept)), ...note, ...tail, ''].join('\n');
}
