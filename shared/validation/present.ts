/** How validation results reach people: annotations within GitHub's caps, and the summary. */
import type { Logger } from '../action/runner.js';
import { escapeMarkdown, inlineCode, markdownTable } from '../markdown/escape.js';
import type { Finding, FindingLevel } from './findings.js';
import type { ValidationResult } from './validate.js';

/** GitHub shows at most 10 annotations per level per step and drops the rest silently. */
export const ANNOTATIONS_PER_LEVEL = 10;

/**
 * Emits at most 10 annotations per level. When there are more, the last one says how many
 * more there are and where the full list is, so nothing is lost silently.
 */
export function annotate(result: ValidationResult, log: Logger, reportPath: string): void {
  for (const level of ['error', 'warning'] as const) {
    const kept = result.findings.filter((f) => f.level === level);
    const total = level === 'error' ? result.errors : result.warnings;
    const shown = total > ANNOTATIONS_PER_LEVEL ? kept.slice(0, ANNOTATIONS_PER_LEVEL - 1) : kept.slice(0, ANNOTATIONS_PER_LEVEL);
    for (const finding of shown) emit(log, level, finding.message, finding);
    const rest = total - shown.length;
    if (rest > 0) {
      const first = kept[shown.length];
      emit(log, level, `+${rest} more ${level === 'error' ? 'errors' : 'warnings'}; the full list is in the job summary and in ${reportPath}.`, first);
    }
  }
}

function emit(log: Logger, level: FindingLevel, message: string, finding: Finding | undefined) {
  const where = finding ? { file: finding.file, line: finding.line, title: `${finding.code}${finding.field ? ` (${finding.field})` : ''}` } : {};
  if (level === 'error') log.error(message, where);
  else log.warning(message, where);
}

const SUMMARY_FINDINGS = 50;

export function renderValidationSummary(result: ValidationResult, schemaPath: string, reportPath: string): string {
  const valid = result.errors === 0;
  const headline = valid
    ? `### ✅ Data valid: ${result.rows} rows in ${result.files.length} file(s) match ${inlineCode(schemaPath)}`
    : `### ❌ Data invalid: ${result.errors} error(s) in ${result.rows} rows checked against ${inlineCode(schemaPath)}`;
  const files = markdownTable(
    ['File', 'Format', 'Rows', 'Errors', 'Warnings'],
    result.files.map((f) => [inlineCode(f.path), f.format, String(f.rows), String(f.errors), String(f.warnings)]),
  );
  const parts = [headline, files];
  if (result.findings.length) {
    const shown = result.findings.slice(0, SUMMARY_FINDINGS);
    parts.push(
      markdownTable(
        ['Level', 'Code', 'File', 'Line', 'Field', 'Problem'],
        shown.map((f) => [f.level, f.code, inlineCode(f.file), f.line ? String(f.line) : '', f.field ? inlineCode(f.field) : '', escapeMarkdown(f.message)]),
      ),
    );
    const more = result.errors + result.warnings - shown.length;
    if (more > 0) parts.push(`_${more} more finding(s) are not shown here; ${result.findings.length} are in the report ${inlineCode(reportPath)}._`);
  }
  return parts.join('\n\n');
}
