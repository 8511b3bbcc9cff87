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
  // GFM has no empty code span: a pair of backticks around nothing is shown as two backticks.
  if (text === '') return '_(empty)_';
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
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell) => cell.replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * A link whose target came from a file or an API payload: only http(s) URLs, with the
 * characters that could end the link or start markup percent-encoded. Anything else is shown as
 * plain text, never followed.
 */
export function markdownLink(label: string, url: string | undefined): string {
  if (!url || !/^https?:\/\/[^\s]+$/i.test(url)) return label;
  return `[${label}](${percentEncodeUnsafe(url)})`;
}

/** What a URL may hold as it is: RFC 3986's unreserved and reserved characters, less those that end a Markdown link or start markup. */
const URL_SAFE = /[A-Za-z0-9\-._~:/?#@!$&*+,;=]/;

/**
 * Percent-encodes every character a Markdown link target may not hold, leaving escapes already
 * in the URL alone (GitHub's release URLs carry the tag's "@" as %40; decoding and encoding
 * again, as encodeURI(decodeURI(url)) does, turns that into %2540).
 */
function percentEncodeUnsafe(url: string): string {
  let out = '';
  for (let i = 0; i < url.length;) {
    const codePoint = url.codePointAt(i)!;
    const char = String.fromCodePoint(codePoint);
    i += char.length;
    if (URL_SAFE.test(char) || (char === '%' && /^[0-9A-Fa-f]{2}/.test(url.slice(i, i + 2))))
      out += char;
    else
      for (const byte of Buffer.from(char, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Text for a Mermaid label: Mermaid parses quotes, brackets, backticks, `%%` directives and
 * entity codes, and renders labels as HTML, so only a plain alphabet is kept.
 */
export function mermaidLabel(text: string, maxLength = 24): string {
  const plain = text.replace(/[^A-Za-z0-9 ._:=+\-/]/g, '_');
  return plain.length > maxLength ? `${plain.slice(0, maxLength - 1)}…` : plain;
}

/**
 * Control, invisible and bidirectional characters (C0 and C1 controls, soft hyphen, zero-width
 * and direction marks, line and paragraph separators, the BOM): in a log line, an annotation or
 * an error message they break the line, hide text or reorder it.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');

export function hasInvisible(text: string): boolean {
  return INVISIBLE.test(text);
}

/** `text` with each invisible character written as an escape (`\n`, `\t`, `\u200b`). */
export function escapeInvisible(text: string): string {
  return text.replace(INVISIBLE_ALL, (char) => {
    const code = char.charCodeAt(0);
    return code === 0x0a
      ? '\\n'
      : code === 0x0d
        ? '\\r'
        : code === 0x09
          ? '\\t'
          : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
