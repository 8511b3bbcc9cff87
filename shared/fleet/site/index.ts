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
  const files = new Map<string, string | Buffer>([
    [FLEET_PAGE, fleetPage(doc)],
    [ASSETS.css, SITE_STYLE],
    [ASSETS.js, SITE_SCRIPT],
    [FLEET_JSON, `${JSON.stringify(doc, null, 2)}\n`],
  ]);
  for (const model of doc.models) {
    files.set(modelPage(model), modelPageHtml(doc, model));
    for (const version of model.versions)
      files.set(versionPage(model, version.version), versionPageHtml(doc, model, version));
  }
  return files;
}

export { modelPage, versionPage, FLEET_PAGE } from './paths.js';
