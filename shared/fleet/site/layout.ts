/**
 * The frame every page shares: the document head (the site's stylesheet and script, by relative
 * path: no CDN, no font, nothing from the network), a skip link, the header with where the page
 * sits in the site, the main content and a footer saying when GitHub was read.
 */
import type { FleetDocument } from '../fleet-document.js';
import { time } from './format.js';
import { attr, html, type Html } from './html.js';
import { ASSETS, FLEET_PAGE, relativeHref } from './paths.js';

export interface Crumb {
  label: string;
  /** A file of the site; the last crumb (this page) has none. */
  path?: string;
}

/**
 * No network and no inline script: the stylesheet and the script are the site's own files, and a
 * `<script>` that slipped through escaping could not run. Images: inline SVG only.
 */
const POLICY =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/** The freshness line: the script adds "(N hours ago when opened)" to the element it marks. */
export function freshness(doc: FleetDocument): Html {
  return html`Data read from GitHub at ${time(doc.generatedAt)}<span
      data-age-of="${attr(doc.generatedAt)}"
    ></span
    >.`;
}

export function page(
  doc: FleetDocument,
  path: string,
  title: string,
  crumbs: Crumb[],
  body: Html,
): string {
  const href = (to: string) => attr(relativeHref(path, to));
  const trail = crumbs.map((crumb, i) =>
    crumb.path && i < crumbs.length - 1
      ? html`<li><a href="${href(crumb.path)}">${crumb.label}</a></li>`
      : html`<li><span aria-current="page">${crumb.label}</span></li>`,
  );
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="${POLICY}" />
        <meta name="color-scheme" content="light dark" />
        <title>${title} · Model fleet</title>
        <link rel="stylesheet" href="${href(ASSETS.css)}" />
        <script src="${href(ASSETS.js)}" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site-header">
          <p class="site-name"><a href="${href(FLEET_PAGE)}">Model fleet</a></p>
          <nav aria-label="Breadcrumb">
            <ol class="breadcrumbs">
              ${trail}
            </ol>
          </nav>
        </header>
        <main id="main">${body}</main>
        <footer class="site-footer">
          <p>
            ${freshness(doc)} Built by mlops-actions publish-registry from
            ${doc.repositories.length}
            ${doc.repositories.length === 1 ? 'repository' : 'repositories'};
            <a href="${href('fleet.json')}">the data as JSON</a>.
          </p>
        </footer>
      </body>
    </html> `.markup;
}
