/**
 * Renders Markdown as GitHub shows it, in Debian's Chromium (headless, through puppeteer-core:
 * nothing is downloaded): the HTML of markdown.ts in GitHub's own Markdown stylesheet
 * (github-markdown-css, light or dark), and each ```mermaid fence drawn to SVG by the mermaid
 * package from node_modules, with the theme GitHub picks for the colour mode. Then reads back
 * what a reader would see wrong: Markdown left as text, a table cut or padded, a chart that did
 * not draw, a link encoded twice, an error on the console.
 *
 * One browser, one page per colour mode: mermaid (3 MB) is loaded once per page and each
 * document replaces the page's article, so a test renders dozens of documents in seconds.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'puppeteer-core';
import { launchChromium } from '../chromium/launch.js';
import { renderMarkdown } from './markdown.js';
import { boxOf, showDocument, type MermaidApi } from './in-page.js';

export type ColourMode = 'light' | 'dark';

/** Widths of the column GitHub gives a pull-request comment and a job summary, in CSS pixels. */
export const WIDTHS = { comment: 800, summary: 1200 } as const;

export interface RenderedDocument {
  /** Everything a reader would see wrong; empty when the document renders cleanly. */
  problems: string[];
  /** How many mermaid charts were drawn to SVG. */
  charts: number;
  /** The rendered text, as a reader would copy it. */
  text: string;
}

export interface RenderOptions {
  mode?: ColourMode;
  /** CSS pixels; default: a comment's width. */
  width?: number;
  /** Collapsed sections (<details>) whose summary starts with this are opened, as a reader would. */
  open?: string;
  /** A PNG of the document, or with `open`, of the opened section only. */
  screenshot?: string;
}

const require = createRequire(import.meta.url);
const asset = (name: string) => require.resolve(name);

const STYLESHEETS: Record<ColourMode, string> = {
  light: 'github-markdown-css/github-markdown-light.css',
  dark: 'github-markdown-css/github-markdown-dark.css',
};
/** GitHub's page background behind a comment (the stylesheet colours only the article). */
const BACKGROUNDS: Record<ColourMode, string> = { light: '#ffffff', dark: '#0d1117' };
/** The mermaid theme GitHub draws with in each colour mode; a chart's init directive overrides it. */
const MERMAID_THEMES: Record<ColourMode, string> = { light: 'default', dark: 'dark' };

export class MarkdownRenderer {
  private readonly pages = new Map<ColourMode, Promise<Page>>();
  /** Each page shows one document at a time: renders wait for the one before on their page. */
  private readonly queues = new Map<ColourMode, Promise<unknown>>();

  private constructor(private readonly browser: Browser) {}

  /** Starts Chromium; fails with what to install when it is missing. */
  static async start(): Promise<MarkdownRenderer> {
    const browser = await launchChromium(
      'the rendering check draws Markdown and mermaid charts as GitHub does, in a real browser',
    );
    return new MarkdownRenderer(browser);
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  /**
   * Renders one document and checks it. Callers may call this concurrently: documents of one
   * colour mode are rendered one after another, the two modes side by side.
   */
  render(markdown: string, options: RenderOptions = {}): Promise<RenderedDocument> {
    const mode = options.mode ?? 'light';
    const next = (this.queues.get(mode) ?? Promise.resolve()).then(() =>
      this.renderNow(markdown, { ...options, mode }),
    );
    this.queues.set(
      mode,
      next.catch(() => undefined),
    );
    return next;
  }

  private async renderNow(
    markdown: string,
    { mode = 'light', width = WIDTHS.comment, open, screenshot }: RenderOptions,
  ): Promise<RenderedDocument> {
    const { html, tableProblems } = await renderMarkdown(markdown);
    const page = await this.page(mode);
    const consoleErrors: string[] = [];
    const onConsole = (message: { type(): string; text(): string }) => {
      if (message.type() === 'error') consoleErrors.push(`console error: ${message.text()}`);
    };
    const onPageError = (error: unknown) => consoleErrors.push(`page error: ${String(error)}`);
    page.on('console', onConsole);
    page.on('pageerror', onPageError);
    try {
      await page.setViewport({ width, height: 800 });
      const found = await page.evaluate(showDocument, html, open);
      if (screenshot)
        await this.screenshot(page, open ? 'details[data-opened]' : 'article', screenshot);
      return {
        problems: [...tableProblems.map((p) => `table: ${p}`), ...found.problems, ...consoleErrors],
        charts: found.charts,
        text: found.text,
      };
    } finally {
      page.off('console', onConsole);
      page.off('pageerror', onPageError);
    }
  }

  /**
   * A PNG of the element's box, clipped from the whole page (an element handle's own screenshot
   * waited on scrolling that never ended for an opened <details>).
   */
  private async screenshot(page: Page, selector: string, path: string): Promise<void> {
    const box = await page.evaluate(boxOf, selector);
    if (!box) throw new Error(`Nothing to photograph: no ${selector} in the rendered document`);
    // A page behind the other colour mode's gets no new frames: the capture would wait forever.
    await page.bringToFront();
    await page.screenshot({
      path: path as `${string}.png`,
      clip: box,
      captureBeyondViewport: true,
    });
  }

  private page(mode: ColourMode): Promise<Page> {
    let page = this.pages.get(mode);
    if (!page) {
      page = this.openPage(mode);
      this.pages.set(mode, page);
    }
    return page;
  }

  private async openPage(mode: ColourMode): Promise<Page> {
    const page = await this.browser.newPage();
    const css = await readFile(asset(STYLESHEETS[mode]), 'utf8');
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style><style>
        body { margin: 0; background: ${BACKGROUNDS[mode]}; }
        article.markdown-body { box-sizing: border-box; padding: 16px 24px; }
        .mermaid-chart { margin-bottom: 16px; }
      </style></head><body><article class="markdown-body"></article></body></html>`,
    );
    await page.addScriptTag({ path: asset('mermaid/dist/mermaid.min.js') });
    await page.evaluate((theme) => {
      const { mermaid } = window as unknown as { mermaid: MermaidApi };
      mermaid.initialize({ startOnLoad: false, theme, securityLevel: 'strict' });
    }, MERMAID_THEMES[mode]);
    return page;
  }
}
