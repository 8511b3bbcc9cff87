/**
 * HTML from hostile text. Every string of the fleet document came from a repository (model
 * names, reasons, issue titles, config values, handles): the `html` tag escapes each value it
 * interpolates unless it is already `Html`, so markup is only ever written by this module's
 * callers' templates, never by the data. Links are followed only when they are http(s); other
 * schemes (`javascript:`, `data:`) are shown as text.
 */

/** Markup built by the renderers: interpolated as it is by `html`. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** What a template may interpolate: text (escaped), markup, numbers, nothing, or a list of them. */
export type Part = Html | string | number | undefined | null | false | readonly Part[];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Control, invisible and direction characters (as shared/markdown/escape.ts's INVISIBLE): in a
 * page they hide text or reorder what follows (an RTL override turns "gpj.exe" around), so each
 * is shown as its code point, marked, rather than obeyed.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

const NEEDS_ESCAPE = new RegExp(`[&<>"']|${INVISIBLE.source}`);

const codePoint = (char: string) =>
  `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Text for an attribute value (always written in double quotes): invisible characters as `U+XXXX`. */
export function escapeAttribute(text: string): string {
  return text
    .replace(INVISIBLE, (char) => `[${codePoint(char)}]`)
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Text for an element's content: escaped, invisible characters shown as a marked `U+XXXX`. */
export function escapeText(text: string): string {
  // Most strings (versions, dates, numbers) need nothing: one test instead of two replaces.
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
    .replace(
      INVISIBLE,
      (char) =>
        `<span class="invisible" title="an invisible character in the data">${codePoint(char)}</span>`,
    );
}

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return '';
  if (part instanceof Html) return part.markup;
  if (typeof part === 'number') return escapeText(String(part));
  if (typeof part === 'string') return escapeText(part);
  return part.map(render).join('');
}

/**
 * Markup from a template: the literal parts are the caller's markup, each value is escaped as
 * text. Values in attributes must be wrapped in `attr()` (the template cannot tell where it is).
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new Html(out);
}

/** An attribute's value, escaped for a double-quoted attribute. */
export function attr(value: string | number): Html {
  return new Html(escapeAttribute(String(value)));
}

/** Markup from several parts, with a separator between them. */
export function join(parts: readonly Part[], separator: Part = ''): Html {
  return new Html(
    parts
      .filter((part) => part !== undefined && part !== null && part !== false && part !== '')
      .map(render)
      .join(render(separator)),
  );
}

/**
 * The URL when it is an absolute http(s) URL, normalised (spaces and quotes percent-encoded by
 * the URL parser); otherwise undefined: `javascript:`, `data:`, relative or unparseable targets
 * are never made links.
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url || !/^https?:\/\//i.test(url.trim())) return undefined;
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** A link to an outside page when the URL is http(s); the label alone otherwise. */
export function externalLink(label: Part, url: string | undefined): Html {
  const href = safeUrl(url);
  return href ? html`<a href="${attr(href)}">${label}</a>` : html`${label}`;
}
