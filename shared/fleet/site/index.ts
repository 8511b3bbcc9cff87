/**
 * The fleet view as a static site: `renderSite(doc)` gives every file by its path relative to
 * the site's root, ready to write to a folder that `actions/upload-pages-artifact` publishes or
 * a reader opens from disk. Pure: no I/O, no GitHub, no clock (the page's "N hours ago" is
 * computed in the reader's browser from the document's generatedAt).
 */
import type { FleetDocument } from '../fleet-document.js';
import { fleetPage } from './fleet-page.js';
import { modelPageHtml } from './model-page.js';
import { ASSETS, FLEET_JSON, FLEET_PAGE, modelPage, versionPage } from './paths.js';
import { SITE_SCRIPT } from './site-script.js';
import { SITE_STYLE } from './site-style.js';
import { versionPageHtml } from './version-page.js';

export function renderSite(doc: FleetDocument): Map<string, string | Buffer> {
  return new Map(siteFiles(doc));
}

/**
 * The same files one at a time, for a writer that streams them to disk: a fleet of 50
 * repositories × 10 models × 100 versions is about a gigabyte of pages, which need not all be
 * held at once.
 */
export function* siteFiles(doc: FleetDocument): Generator<[path: string, content: string]> {
  yield [FLEET_PAGE, fleetPage(doc)];
  yield [ASSETS.css, SITE_STYLE];
  yield [ASSETS.js, SITE_SCRIPT];
  // Compact: the document of a large fleet is hundreds of megabytes indented.
  yield [FLEET_JSON, JSON.stringify(doc)];
  for (const model of doc.models) {
    yield [modelPage(model), modelPageHtml(doc, model)];
    for (const version of model.versions)
      yield [versionPage(model, version.version), versionPageHtml(doc, model, version)];
  }
}

export { modelPage, versionPage, FLEET_PAGE } from './paths.js';
