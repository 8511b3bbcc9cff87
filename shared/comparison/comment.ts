/**
 * One pull-request comment for every model compared in the run: a status table on top, then a
 * section per model. Each compare-metrics step (one per model, possibly in parallel matrix
 * jobs) replaces only its own section, between hidden markers, and rebuilds the status table
 * from the sections' metadata; the other models' sections are kept as they are.
 *
 * The markers are only recognised on lines of their own: everything hostile in a section
 * (metric names in code spans, escaped text) sits inside table rows, list items or headings,
 * so it can never start a line and pose as a marker.
 */
import { z } from 'zod';
import { MODEL_NAME_PATTERN } from '../identifiers.js';
import { escapeMarkdown, inlineCode, markdownTable } from '../markdown/escape.js';
import { VERDICT_ICON } from './render.js';

/** Finds the comment again on later runs (together with its author). */
export const COMMENT_MARKER = '<!-- mlops-actions:compare-metrics -->';
const SECTION_START =
  /^<!-- mlops-actions:compare-metrics:section model=([A-Za-z0-9._-]+) meta=([A-Za-z0-9_-]*) -->$/;
const SECTION_END = /^<!-- \/mlops-actions:compare-metrics:section model=([A-Za-z0-9._-]+) -->$/;

const sectionMeta = z.object({
  verdict: z.enum(['pass', 'warn', 'inconclusive', 'fail']),
  candidate: z.string().max(200).optional(),
  baseline: z.string().max(400).optional(),
  /** A digest of the metric and slice values, for `comment: on-change` (post.ts). */
  values: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional(),
});
type SectionMeta = z.output<typeof sectionMeta>;

export interface Section {
  model: string;
  meta: SectionMeta;
  /** The section's Markdown, without its markers. */
  body: string;
}

function sectionText(section: Section): string {
  if (!MODEL_NAME_PATTERN.test(section.model))
    throw new Error(`Model name ${JSON.stringify(section.model)} cannot be put in a marker`);
  const meta = Buffer.from(JSON.stringify(section.meta), 'utf8').toString('base64url');
  return `<!-- mlops-actions:compare-metrics:section model=${section.model} meta=${meta} -->\n${section.body.trimEnd()}\n<!-- /mlops-actions:compare-metrics:section model=${section.model} -->`;
}

/** The sections of a comment body; a section whose markers or metadata do not parse is dropped. */
export function parseSections(body: string): Section[] {
  const sections: Section[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = SECTION_START.exec(lines[i]!);
    if (!start) continue;
    const end = lines.findIndex((line, j) => j > i && SECTION_END.exec(line)?.[1] === start[1]);
    if (end < 0) break;
    const meta = sectionMeta.safeParse(decodeMeta(start[2]!));
    if (meta.success)
      sections.push({
        model: start[1]!,
        meta: meta.data,
        body: lines.slice(i + 1, end).join('\n'),
      });
    i = end;
  }
  return sections;
}

function decodeMeta(encoded: string): unknown {
  try {
    return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The whole comment: marker, status table when there are several models, sections by model name. */
export function composeComment(sections: readonly Section[]): string {
  const sorted = [...sections].sort((a, b) => a.model.localeCompare(b.model));
  const parts = [COMMENT_MARKER];
  if (sorted.length > 1) parts.push(statusTable(sorted));
  parts.push(...sorted.map(sectionText));
  return parts.join('\n\n') + '\n';
}

function statusTable(sections: readonly Section[]): string {
  const worst = (['fail', 'inconclusive', 'warn', 'pass'] as const).find((verdict) =>
    sections.some((s) => s.meta.verdict === verdict),
  )!;
  const rows = sections.map((s) => [
    escapeMarkdown(s.model),
    `${VERDICT_ICON[s.meta.verdict]} ${s.meta.verdict}`,
    s.meta.candidate ? inlineCode(s.meta.candidate) : '—',
    s.meta.baseline ? escapeMarkdown(s.meta.baseline) : '—',
  ]);
  return `## ${VERDICT_ICON[worst]} ${sections.length} models compared\n\n${markdownTable(['Model', 'Verdict', 'Candidate', 'Compared with'], rows)}`;
}

/** The existing comment with this model's section put in (or replaced). */
export function mergeSection(existingBody: string | undefined, section: Section): string {
  const others = parseSections(existingBody ?? '').filter((s) => s.model !== section.model);
  return composeComment([...others, section]);
}

/** How many characters a model's section may take, given the other sections already in the comment. */
export function sectionBudget(
  existingBody: string | undefined,
  model: string,
  limit: number,
): number {
  const others = parseSections(existingBody ?? '').filter((s) => s.model !== model);
  const placeholder: Section = {
    model,
    meta: {
      verdict: 'fail',
      candidate: 'x'.repeat(200),
      baseline: 'x'.repeat(400),
      values: '0'.repeat(16),
    },
    body: '',
  };
  return limit - composeComment([...others, placeholder]).length - 64;
}

/** True when `body` holds exactly this section: the check that a concurrent writer did not overwrite it. */
export function holdsSection(body: string, section: Section): boolean {
  const found = parseSections(body).find((s) => s.model === section.model);
  return (
    found !== undefined &&
    found.body === section.body.trimEnd() &&
    JSON.stringify(found.meta) === JSON.stringify(section.meta)
  );
}

/** True when `body` holds a section of another model: another job writes into this comment too. */
export function holdsOtherSections(body: string, model: string): boolean {
  return parseSections(body).some((s) => s.model !== model);
}
