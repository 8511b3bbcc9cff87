/**
 * Text from data files and pull requests (metric names, column names, cell values, branch
 * names) is hostile: it must render as the literal text, never as Markdown, HTML, a table
 * break or a notification. GitHub ignores backslash escapes for @mentions, so a zero-width
 * space goes after every "@" (the fix Dependabot uses).
 */
// Parentheses and colons are left alone: with "[" and "]" escaped they cannot form a link, and
// escaping them only clutters the raw text reviewers may read.
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]#+!|~$]/g;

export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_PUNCTUATION, (char) => `\\${char}`)
    .replace(/@/g, '@\u200B');
}

/** Inline code for hostile text: a backtick fence longer than any run inside it, mentions broken. */
export function inlineCode(text: string): string {
  const flat = text.replace(/\r\n|\r|\n/g, ' ').replace(/@/g, '@\u200B');
  const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A GFM table. GFM splits cells on every unescaped "|", even inside code spans, so each cell's
 * remaining pipes are escaped here, the one place tables are built.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
