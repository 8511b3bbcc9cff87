/**
 * The lines of a comparison that say which gate policy judged it: on a pull request, the base
 * branch's, and what the pull request would change in it once merged. Metric names and rule
 * values come from files the pull request controls (and, for a fork, from its artifact): all
 * are escaped here.
 */
import { describeChange, loosens, type PolicyChange } from '../gates/policy-diff.js';
import type { PolicySource } from '../gates/policy-source.js';
import { escapeMarkdown, inlineCode } from '../markdown/escape.js';

/** How many changes the comment lists; the report holds the rest. */
const MAX_LISTED = 15;
const MAX_TEXT = 120;

function clipped(text: string): string {
  return text.length <= MAX_TEXT
    ? text
    : `${Array.from(text)
        .slice(0, MAX_TEXT - 1)
        .join('')}…`;
}

const asMarkdown = {
  name: (text: string) => inlineCode(clipped(text)),
  value: (text: string) => escapeMarkdown(clipped(text)),
};

/** One change as a Markdown sentence, e.g. "this PR loosens `accuracy` max-regression from 0.02 to 0.2". */
export function changeLine(change: PolicyChange): string {
  return `${change.effect === 'looser' ? '⚠️ ' : ''}this PR ${describeChange(change, asMarkdown)}`;
}

/** The policy note as Markdown, or undefined when there is nothing to say (no policy, or not a pull request). */
export function renderPolicyNote(source: PolicySource | undefined): string | undefined {
  if (!source) return undefined;
  const path = inlineCode(clipped(source.path));
  if (source.kind === 'workspace') {
    return source.optedOut
      ? `> [!WARNING]\n> Judged by the pull request's own gate policy ${path} (\`gates-from: workspace\`): a pull request can change the gates it is judged by.`
      : undefined;
  }
  const base = `${inlineCode(clipped(source.baseRef))} at ${inlineCode(source.baseSha.slice(0, 12))}`;
  const list = (changes: readonly PolicyChange[], more: number) => {
    const lines = changes.slice(0, MAX_LISTED).map((change) => `> - ${changeLine(change)}`);
    const left = changes.length - Math.min(changes.length, MAX_LISTED) + more;
    if (left > 0)
      lines.push(
        `> - … and ${left} more ${left === 1 ? 'change' : 'changes'}, in the step's \`report\` output.`,
      );
    return lines.join('\n');
  };
  switch (source.proposed) {
    case 'same':
      return `Judged by the gate policy ${path} of the base branch (${base}).`;
    case 'unknown':
      return `Judged by the gate policy ${path} of the base branch (${base}). The pull request's own version was neither checked out in this job nor readable at its merge commit, so what it changes is not shown.`;
    case 'absent':
      return `> [!WARNING]\n> **No gate policy:** neither the base branch (${base}) nor this pull request has ${path}, so no metric is gated. Check the \`gates\` input.`;
    case 'added':
      return `> [!IMPORTANT]\n> **The base branch (${base}) has no gate policy ${path}**, so this run is judged without gates. This pull request adds one; it is not applied until merged:\n${list(source.changes, source.more)}`;
    case 'removed':
      return `> [!IMPORTANT]\n> **This pull request deletes the gate policy ${path}.** It is judged by the base branch's policy (${base}); the deletion is not applied until merged:\n${list(source.changes, source.more)}`;
    case 'changed':
      return `> [!IMPORTANT]\n> **This pull request changes the gate policy ${path}.** It is judged by the base branch's policy (${base}); these changes are not applied until merged:\n${list(source.changes, source.more)}`;
  }
}

/** The same in one plain line, for an annotation: a warning when a change loosens the gates. */
export function policyAnnotation(
  source: PolicySource | undefined,
): { level: 'warning' | 'notice'; text: string } | undefined {
  if (source?.kind !== 'base' || !['changed', 'added', 'removed'].includes(source.proposed))
    return undefined;
  const quote = (text: string) => JSON.stringify(clipped(text));
  const changes = source.changes
    .slice(0, 5)
    .map((change) => `this PR ${describeChange(change, { name: quote, value: clipped })}`);
  const more = source.changes.length + source.more - changes.length;
  const text = `The pull request changes the gate policy "${source.path}"; it was judged by the base branch's policy (${source.baseRef} at ${source.baseSha.slice(0, 12)}), and the changes are not applied until merged: ${changes.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`;
  return { level: loosens(source.changes) ? 'warning' : 'notice', text };
}
