/** The job summary of a promotion: what the approver and later readers need to see in one place. */
import { format } from '../gates/judge.js';
import { escapeMarkdown, inlineCode, markdownLink, markdownTable } from '../markdown/escape.js';
import { auditRows } from './model-card.js';
import type { PromotionOutcome } from './promote.js';

export function renderPromotionSummary(outcome: PromotionOutcome): string {
  const { model, version, environment, previous, gates } = outcome;
  const verb = outcome.rollback ? 'rolled back to' : 'promoted to';
  const headline = outcome.rollback
    ? `### ↩️ ${inlineCode(environment)} rolled back to ${escapeMarkdown(model)} ${inlineCode(version)}`
    : `### 🚀 ${escapeMarkdown(model)} ${inlineCode(version)} ${verb} ${inlineCode(environment)}`;
  const facts: string[][] = [
    ['Model files', `all ${outcome.manifest.outputs.length} match the manifest`],
    [
      'Gates',
      `**${gates?.verdict ?? 'not judged'}** against ${previous ? inlineCode(previous.payload.version) : 'no earlier model'}`,
    ],
  ];
  if (outcome.record) facts.push(...auditRows(outcome.record));
  if (outcome.deploymentId !== undefined) facts.push(['Deployment', String(outcome.deploymentId)]);
  if (outcome.releaseUrl)
    facts.push([
      'Release',
      // GitHub's URL already encodes the tag's "@" (%40): encoding it again would give %2540.
      markdownLink(escapeMarkdown(`${model}@${version}`), outcome.releaseUrl),
    ]);
  const rows = (gates?.metrics ?? []).map((m) => [
    inlineCode(m.name),
    m.baseline === undefined ? '—' : format(m.baseline),
    m.candidate === undefined ? '—' : format(m.candidate),
    m.rule ? escapeMarkdown(m.rule) : '',
    m.status,
  ]);
  return [
    headline,
    markdownTable(['', ''], facts),
    rows.length
      ? markdownTable(
          [
            'Metric',
            previous
              ? `In ${escapeMarkdown(environment)} (${escapeMarkdown(previous.payload.version)})`
              : 'Before',
            'Promoted',
            'Rule',
            'Status',
          ],
          rows,
        )
      : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}
