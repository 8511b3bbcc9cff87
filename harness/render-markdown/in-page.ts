/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * What runs inside the page (serialised by puppeteer's evaluate, so self-contained: no imports,
 * no helpers from outside the function). The DOM types are this file's reason to exist apart.
 */

export interface MermaidApi {
  initialize(config: Record<string, unknown>): void;
  render(id: string, text: string): Promise<{ svg: string }>;
}

/**
 * Runs in the page: shows the HTML, draws the mermaid fences, and lists what reads wrong.
 * Self-contained (it is serialised into the page).
 */
export async function showDocument(
  html: string,
  open: string | undefined,
): Promise<{ problems: string[]; charts: number; text: string }> {
  const { mermaid } = window as unknown as { mermaid: MermaidApi };
  const article = document.querySelector('article')!;
  article.innerHTML = html;
  if (open)
    for (const details of article.querySelectorAll('details'))
      if (details.querySelector('summary')?.textContent?.trim().startsWith(open)) {
        details.open = true;
        // Marked for the screenshot: other sections may be open already.
        details.dataset.opened = '';
      }
  const problems: string[] = [];
  let charts = 0;
  const fences = [...article.querySelectorAll('pre > code.language-mermaid')];
  for (const [index, code] of fences.entries()) {
    const source = code.textContent ?? '';
    const holder = document.createElement('div');
    holder.className = 'mermaid-chart';
    try {
      const { svg } = await mermaid.render(`mermaid-${Date.now()}-${index}`, source);
      holder.innerHTML = svg;
      const drawn = holder.querySelector('svg');
      if (!drawn || drawn.getAttribute('aria-roledescription') === 'error')
        problems.push(`mermaid: chart ${index + 1} drew an error: ${source.slice(0, 80)}`);
      else charts += 1;
    } catch (error) {
      problems.push(`mermaid: chart ${index + 1} did not draw (${String(error).slice(0, 200)})`);
    }
    code.parentElement!.replaceWith(holder);
  }
  // Text a reader sees outside code and charts: Markdown syntax there was not rendered.
  const RAW = [
    { pattern: /\|\s*:?-{3,}:?\s*\|/, what: 'a table delimiter row (the table did not parse)' },
    { pattern: /\*\*/, what: 'a pair of asterisks (bold that did not parse)' },
    { pattern: /`/, what: 'a backtick (a code span that did not parse, e.g. an empty one)' },
    {
      pattern: /<\/?(details|summary|sub|sup|b|i|br|p|div|table|tr|td|th|img|a|code)\b[^>]*>/i,
      what: 'an HTML tag shown as text',
    },
    { pattern: /^\s*#{1,6} /, what: 'a heading marker' },
    {
      pattern: /\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]/i,
      what: 'an alert marker (not at a blockquote start)',
    },
    { pattern: /\]\([^)\s]*\)/, what: 'link syntax shown as text' },
  ];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement?.closest('code, pre, svg')) continue;
    const text = node.textContent ?? '';
    for (const { pattern, what } of RAW) {
      const match = pattern.exec(text);
      if (match) {
        const at = Math.max(0, match.index - 30);
        problems.push(`raw Markdown: ${what}: "${text.slice(at, match.index + 40).trim()}"`);
      }
    }
  }
  for (const link of article.querySelectorAll('a[href]')) {
    const href = link.getAttribute('href')!;
    if (/%25[0-9A-Fa-f]{2}/.test(href))
      problems.push(`link: ${href} is percent-encoded twice (%25 before an escape)`);
  }
  for (const table of article.querySelectorAll('table')) {
    const header = table.querySelectorAll('thead th').length;
    for (const row of table.querySelectorAll('tbody tr'))
      if (row.children.length !== header)
        problems.push(`table: a row has ${row.children.length} cells, its header ${header}`);
  }
  return { problems, charts, text: article.innerText };
}

/** The element's box in page coordinates, for a screenshot's clip. */
export function boxOf(
  selector: string,
): { x: number; y: number; width: number; height: number } | undefined {
  const element = document.querySelector(selector);
  if (!element) return undefined;
  const rect = element.getBoundingClientRect();
  return {
    x: rect.left + window.scrollX,
    y: rect.top + window.scrollY,
    width: rect.width,
    height: rect.height,
  };
}
