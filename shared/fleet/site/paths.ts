/**
 * Where each page of the site lives, and relative links between them: the site works from
 * `file://` and under any GitHub Pages path, so no link is absolute. File names are built from
 * identifiers (checked where they entered), but a document may come from another tool: each
 * segment keeps only letters, digits, ".", "_" and "-" and writes any other character as `~XX`
 * (its UTF-8 bytes), so no name can climb out of the site or collide with another.
 */
import type { FleetModel } from '../fleet-document.js';

export const ASSETS = { css: 'assets/site.css', js: 'assets/site.js' } as const;
export const FLEET_PAGE = 'index.html';
export const FLEET_JSON = 'fleet.json';

const hex = (char: string) =>
  [...Buffer.from(char, 'utf8')]
    .map((byte) => `~${byte.toString(16).toUpperCase().padStart(2, '0')}`)
    .join('');

/** One path segment from a name: safe characters kept, others as `~XX`, never "." or "..". */
export function segment(name: string): string {
  if (name === '') return '~';
  const safe = [...name].map((char) => (/[A-Za-z0-9._-]/.test(char) ? char : hex(char))).join('');
  // A leading "." would make "." or ".." or a hidden file.
  return safe.startsWith('.') ? `~2E${safe.slice(1)}` : safe;
}

function modelBase(model: Pick<FleetModel, 'repository' | 'name'>): string {
  const repository = model.repository.split('/').map(segment).join('/');
  return `models/${repository}/${segment(model.name)}`;
}

export const modelPage = (model: Pick<FleetModel, 'repository' | 'name'>) =>
  `${modelBase(model)}.html`;

export const versionPage = (model: Pick<FleetModel, 'repository' | 'name'>, version: string) =>
  `${modelBase(model)}/${segment(version)}.html`;

/** The link from one page of the site to another file of it, each segment URL-encoded. */
export function relativeHref(from: string, to: string): string {
  const depth = from.split('/').length - 1;
  return '../'.repeat(depth) + to.split('/').map(encodeURIComponent).join('/');
}
