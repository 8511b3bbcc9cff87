/**
 * The fleet page: one row per model and environment, with its version, age, people, owner,
 * monitor status, bias check and flags (each with its reason), the counts above it and the
 * repositories left out below. The table is complete without script; the script sorts it (the
 * header buttons) and filters it (text, flags, environment).
 */
import {
  FLAGS,
  type FleetDocument,
  type FleetEnvironment,
  type FleetModel,
} from '../fleet-document.js';
import { biasCheck, flagList, monitorStatus, owners, people } from './cells.js';
import { plural } from './format.js';
import { attr, escapeAttribute, externalLink, Html, html, join } from './html.js';
import { freshness, page } from './layout.js';
import { FLEET_PAGE, modelPage, relativeHref, versionPage } from './paths.js';

/** The environment counted as "in production". */
const PRODUCTION = 'production';

interface Row {
  model: FleetModel;
  environment?: FleetEnvironment;
}

export function fleetRows(doc: FleetDocument): Row[] {
  return doc.models.flatMap((model) =>
    model.environments.length > 0
      ? model.environments.map((environment) => ({ model, environment }))
      : [{ model }],
  );
}

export function fleetCounts(doc: FleetDocument) {
  const rows = fleetRows(doc);
  const flagged = (flag: (typeof FLAGS)[number]) =>
    rows.filter((row) => row.environment?.flags.includes(flag)).length;
  return {
    models: doc.models.length,
    inProduction: doc.models.filter((model) =>
      model.environments.some((e) => e.name === PRODUCTION && e.current),
    ).length,
    stale: flagged('stale'),
    orphaned: flagged('orphaned'),
    unwatched: flagged('unwatched'),
    overridden: flagged('overridden'),
    drifting: rows.filter((row) => row.environment?.monitor?.status === 'drifting').length,
    degraded: rows.filter((row) => row.environment?.monitor?.status === 'degraded').length,
  };
}

const COLUMNS = [
  'Repository',
  'Model',
  'Environment',
  'Version',
  'Age',
  'Promoted by',
  'Approved by',
  'Owner',
  'Monitor',
  'Bias check',
  'Flags',
] as const;

function row(doc: FleetDocument, { model, environment }: Row): Html {
  const link = (to: string, label: string) =>
    html`<a href="${attr(relativeHref(FLEET_PAGE, to))}">${label}</a>`;
  const repository = doc.repositories.find((r) => r.fullName === model.repository);
  const current = environment?.current;
  const version = current && model.versions.find((v) => v.version === current.version);
  const monitorRank = environment?.monitor
    ? ['healthy', 'drifting', 'degraded'].indexOf(environment.monitor.status)
    : -1;
  const cells: Html[] = [
    html`<td>${externalLink(model.repository, repository?.url)}</td>`,
    html`<th scope="row">${link(modelPage(model), model.name)}</th>`,
    html`<td>${environment?.name ?? html`<span class="muted">no environment</span>`}</td>`,
    html`<td>
      ${current ? link(versionPage(model, current.version), current.version) : html`<span class="muted">none</span>`}
    </td>`,
    html`<td class="numeric" data-sort="${current ? current.ageDays : ''}">
      ${current ? plural(current.ageDays, 'day') : '—'}
    </td>`,
    html`<td>${current?.promotedBy ? people([current.promotedBy]) : '—'}</td>`,
    html`<td>${people(current?.approvedBy)}</td>`,
    html`<td>${owners(model.owner)}</td>`,
    html`<td data-sort="${monitorRank}">${environment ? monitorStatus(environment) : '—'}</td>`,
    html`<td>${current ? biasCheck(version) : '—'}</td>`,
    html`<td data-sort="${environment?.flags.length ?? 0}">
      ${environment ? flagList(environment) : '—'}
    </td>`,
  ];
  // data-label: the column's name, shown beside each cell when a phone lays a row out as a card.
  const labelled = cells.map(
    (cell, i) =>
      new Html(
        cell.markup.replace(/^<(td|th)/, `<$1 data-label="${escapeAttribute(COLUMNS[i]!)}"`),
      ),
  );
  return html`<tr
    data-env="${attr(environment?.name ?? '')}"
    data-flags="${attr((environment?.flags ?? []).join(' '))}"
  >
    ${labelled}
  </tr>`;
}

function counts(doc: FleetDocument): Html {
  const c = fleetCounts(doc);
  const item = (value: number, label: string, warn = false) =>
    html`<div class="${attr(`count${warn && value > 0 ? ' count-warn' : ''}`)}">
      <dt>${label}</dt>
      <dd>${value}</dd>
    </div>`;
  return html`<dl class="counts">
    ${[
      item(c.models, 'Models'),
      item(c.inProduction, 'In production'),
      item(c.stale, 'Stale', true),
      item(c.orphaned, 'Orphaned', true),
      item(c.unwatched, 'Unwatched', true),
      item(c.drifting, 'Drifting', true),
      c.degraded > 0 && item(c.degraded, 'Degraded', true),
    ]}
  </dl>`;
}

function filters(doc: FleetDocument, total: number): Html {
  const environments = [
    ...new Set(doc.models.flatMap((m) => m.environments.map((e) => e.name))),
  ].sort();
  return html`<div class="filters" role="search" aria-label="Filter the fleet" data-filters hidden>
    <div class="filter">
      <label for="filter-text">Search</label
      ><input
        type="search"
        id="filter-text"
        placeholder="model, repository, owner…"
        autocomplete="off"
      />
    </div>
    <div class="filter">
      <label for="filter-environment">Environment</label
      ><select id="filter-environment">
        <option value="">All environments</option>
        ${environments.map((name) => html`<option value="${attr(name)}">${name}</option>`)}
      </select>
    </div>
    <fieldset class="filter">
      <legend>Only rows flagged</legend>
      ${FLAGS.map(
        (flag) =>
          html`<label class="check"
            ><input type="checkbox" name="flag" value="${flag}" /> ${flag}</label
          >`,
      )}
    </fieldset>
    <p class="filter-status" role="status" aria-live="polite" data-filter-status>
      Showing all ${total} rows.
    </p>
  </div>`;
}

function skipped(doc: FleetDocument): Html {
  const left = doc.repositories.filter((r) => r.skipped);
  const read = doc.repositories.filter((r) => !r.skipped);
  return html`<section aria-labelledby="repositories">
    <h2 id="repositories">Repositories</h2>
    <p>
      ${plural(read.length, 'repository', 'repositories')}
      read${read.length > 0 ? ': ' : '.'}${join(
        read.map((r) => html`${externalLink(r.fullName, r.url)} (${plural(r.models, 'model')})`),
        ', ',
      )}
    </p>
    ${
      left.length > 0
        ? html`<h3>Skipped</h3>
            <ul class="skipped">
              ${left.map((r) => html`<li>${externalLink(r.fullName, r.url)}: ${r.skipped}</li>`)}
            </ul>`
        : html`<p>No repository was skipped.</p>`
    }
  </section>`;
}

export function fleetPage(doc: FleetDocument): string {
  const rows = fleetRows(doc);
  const body = html`<h1>Model fleet</h1>
    <p class="freshness">
      ${freshness(doc)} A model is stale after ${plural(doc.staleAfterDays, 'day')} without a
      promotion or a monitor run.
    </p>
    <section aria-labelledby="summary">
      <h2 id="summary" class="visually-hidden">Summary</h2>
      ${counts(doc)}
    </section>
    <section aria-labelledby="models">
      <h2 id="models">Every model in every environment</h2>
      ${filters(doc, rows.length)}
      <div class="table-scroll" role="region" aria-labelledby="models" tabindex="0">
        <table class="fleet" data-sortable>
          <thead>
            <tr>
              ${COLUMNS.map(
                (column) =>
                  html`<th scope="col" aria-sort="none">
                    <button type="button" class="sort">
                      ${column}<span class="sort-mark" aria-hidden="true"></span>
                    </button>
                  </th>`,
              )}
            </tr>
          </thead>
          <tbody>
            ${
              rows.length > 0
                ? rows.map((r) => row(doc, r))
                : html`<tr>
                    <td colspan="${COLUMNS.length}">No models found.</td>
                  </tr>`
            }
          </tbody>
        </table>
      </div>
    </section>
    ${skipped(doc)}`;
  return page(doc, FLEET_PAGE, 'Every model', [{ label: 'Fleet' }], body);
}
