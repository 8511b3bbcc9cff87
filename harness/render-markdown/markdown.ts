/**
 * Markdown to HTML as GitHub renders a comment or a job summary: GitHub-Flavored Markdown
 * (remark-parse is micromark, which follows CommonMark and GFM as cmark-gfm does), raw HTML kept
 * and then sanitised with hast-util-sanitize's default schema, which is GitHub's (it strips
 * <script>, style and event attributes; keeps <details>, <summary>, <sub>, <b>; prefixes ids with
 * `user-content-`), then GitHub's alerts (`> [!NOTE]` and the like). Mermaid fences stay `<pre><code class="language-mermaid">` for the page to
 * draw, as GitHub draws them.
 *
 * Also reports what the HTML cannot show: a table row with another cell count than its header
 * renders padded or cut (GFM drops extra cells and fills missing ones), so it is caught here, on
 * the syntax tree, where the cells are still as written.
 */
import { rehypeGithubAlerts } from 'rehype-github-alerts';
import rehypeRaw from 'rehype-raw';
import rehypeSanitize from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

export interface RenderedMarkdown {
  html: string;
  /** Tables whose rows do not all have the header's cell count, or whose header is empty, one line each. */
  tableProblems: string[];
}

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkRehype, { allowDangerousHtml: true })
  .use(rehypeRaw)
  .use(rehypeSanitize)
  // After sanitising, as GitHub does: `> [!IMPORTANT]` blockquotes become its styled alerts.
  .use(rehypeGithubAlerts, {})
  .use(rehypeStringify);

export async function renderMarkdown(markdown: string): Promise<RenderedMarkdown> {
  const tree = processor.parse(markdown);
  const tableProblems: string[] = [];
  for (const table of nodesOfType(tree, 'table')) {
    const rows = table.children ?? [];
    const header = rows[0]?.children?.length ?? 0;
    // GitHub draws a header of empty cells as a blank row above the table.
    if (rows[0] && (rows[0].children ?? []).every((cell) => !(cell.children ?? []).length))
      tableProblems.push(
        `line ${rows[0].position?.start.line ?? '?'}: the header row is empty (GitHub draws it as a blank row)`,
      );
    rows.forEach((row, index) => {
      const cells = row.children?.length ?? 0;
      if (cells !== header)
        tableProblems.push(
          `line ${row.position?.start.line ?? '?'}: row ${index} has ${cells} cells, its header ${header}`,
        );
    });
  }
  const html = processor.stringify(await processor.run(tree));
  return { html, tableProblems };
}

/** The part of a syntax tree node this file reads (mdast's types are a transitive dependency). */
interface SyntaxNode {
  type: string;
  children?: SyntaxNode[];
  position?: { start: { line: number } };
}

function nodesOfType(node: SyntaxNode, type: string): SyntaxNode[] {
  const found = node.type === type ? [node] : [];
  for (const child of node.children ?? []) found.push(...nodesOfType(child, type));
  return found;
}
