/**
 * A model's page: its owner, then per environment the version there now, the monitor's status
 * with its issue and drift history, the timeline of what happened (promotions, rollbacks and
 * overrides with their reasons, failed promotions), and the metrics of the versions that held
 * it, one small chart per metric.
 */
import type {
  FleetDocument,
  FleetEnvironment,
  FleetModel,
  TimelineEvent,
} from '../fleet-document.js';
import { biasCheck, flagList, monitorStatus, owners, people } from './cells.js';
import { driftChart, metricChart, type TrendPoint } from './charts.js';
import { number, plural, time } from './format.js';
import { attr, externalLink, html, join, type Html } from './html.js';
import { page } from './layout.js';
import { FLEET_PAGE, modelPage, relativeHref, versionPage } from './paths.js';

const KIND_LABEL: Record<TimelineEvent['kind'], string> = {
  promotion: 'promoted',
  rollback: 'rolled back to',
  failed: 'promotion failed',
  retired: 'retired',
};

function timeline(model: FleetModel, path: string, events: TimelineEvent[]): Html {
  if (events.length === 0) return html`<p class="muted">Nothing recorded.</p>`;
  const known = new Set(model.versions.map((v) => v.version));
  const versionLink = (version: string) =>
    known.has(version)
      ? html`<a href="${attr(relativeHref(path, versionPage(model, version)))}">${version}</a>`
      : html`${version}`;
  return html`<ol class="timeline">
    ${events.map(
      (event) =>
        html`<li class="${attr(`event event-${event.kind}`)}">
          <p>
            <span class="${attr(`kind kind-${event.kind}`)}">${KIND_LABEL[event.kind]}</span>
            ${versionLink(event.version)}
            <span class="note"
              >${time(event.at)}${event.by ? html` by ${people([event.by])}` : ''}</span
            >
          </p>
          ${event.approvedBy.length > 0 ? html`<p>Approved by ${people(event.approvedBy)}</p>` : ''}
          ${event.rollback ? html`<p class="reason-line">Rolled back${event.rollback.from ? html` from ${versionLink(event.rollback.from)}` : ''}: <q>${event.rollback.reason}</q></p>` : ''}
          ${event.overrideReason ? html`<p class="reason-line warning">Gates overridden: <q>${event.overrideReason}</q></p>` : ''}
          ${event.status ? html`<p class="reason-line">Status: ${event.status}</p>` : ''}
          ${event.runUrl ? html`<p>${externalLink('The workflow run', event.runUrl)}</p>` : ''}
        </li>`,
    )}
  </ol>`;
}

/** The metrics of the versions that held the environment, oldest first, one chart per metric. */
function trends(model: FleetModel, environment: FleetEnvironment, idPrefix: string): Html {
  const held = model.versions
    .filter((v) => v.environments.includes(environment.name))
    .sort((a, b) => a.firstPromotedAt.localeCompare(b.firstPromotedAt));
  const metrics = [...new Set(held.flatMap((v) => Object.keys(v.metrics)))];
  if (metrics.length === 0) return html`<p class="muted">No metrics recorded.</p>`;
  return html`<div class="charts">
    ${metrics.map((metric, i) => {
      const points: TrendPoint[] = held.flatMap((v) => {
        const m = v.metrics[metric];
        return m ? [{ version: v.version, value: m.value, ci: m.ci }] : [];
      });
      return metricChart(`${idPrefix}-metric-${i}`, metric, points);
    })}
  </div>`;
}

function environmentSection(
  model: FleetModel,
  path: string,
  environment: FleetEnvironment,
  index: number,
): Html {
  const current = environment.current;
  const id = `env-${index}`;
  const version = current && model.versions.find((v) => v.version === current.version);
  return html`<section aria-labelledby="${id}" class="environment">
    <h2 id="${id}">${environment.name}</h2>
    <dl class="facts">
      <div>
        <dt>Version now</dt>
        <dd>
          ${
            current
              ? html`<a href="${attr(relativeHref(path, versionPage(model, current.version)))}"
                    >${current.version}</a
                  >, promoted ${time(current.promotedAt)} (${plural(current.ageDays, 'day')}
                  ago)${current.promotedBy ? html` by ${people([current.promotedBy])}` : ''}`
              : html`<span class="muted">none: no promotion holds it</span>`
          }
        </dd>
      </div>
      ${
        current
          ? html`<div>
              <dt>Approved by</dt>
              <dd>${people(current.approvedBy)}</dd>
            </div>`
          : ''
      }
      ${
        current?.overrideReason
          ? html`<div>
              <dt>Gates overridden</dt>
              <dd class="warning"><q>${current.overrideReason}</q></dd>
            </div>`
          : ''
      }
      ${
        current?.rollback
          ? html`<div>
              <dt>Rolled back</dt>
              <dd>
                ${current.rollback.from ? html`from ${current.rollback.from}: ` : ''}<q
                  >${current.rollback.reason}</q
                >
              </dd>
            </div>`
          : ''
      }
      <div>
        <dt>Bias check</dt>
        <dd>${current ? biasCheck(version) : '—'}</dd>
      </div>
      <div>
        <dt>Monitor</dt>
        <dd>
          ${monitorStatus(environment)}${
            environment.monitor
              ? html`; issue
                ${externalLink(`#${environment.monitor.issue.number}`, environment.monitor.issue.url)}
                (${environment.monitor.issue.state})${environment.monitor.metric ? `; ${environment.monitor.metric.name} ${number(environment.monitor.metric.value)}` : ''}${environment.monitor.runUrl ? html`; ${externalLink('last run', environment.monitor.runUrl)}` : ''}`
              : ''
          }
        </dd>
      </div>
      <div>
        <dt>Flags</dt>
        <dd>${flagList(environment)}</dd>
      </div>
    </dl>
    ${
      environment.monitor
        ? html`<h3>Drift history</h3>
            ${driftChart(`${id}-drift`, environment.monitor.history)}`
        : ''
    }
    <h3>Metrics of the versions that held ${environment.name}</h3>
    ${trends(model, environment, id)}
    <h3>Timeline</h3>
    ${timeline(model, path, environment.timeline)}
  </section>`;
}

export function modelPageHtml(doc: FleetDocument, model: FleetModel): string {
  const path = modelPage(model);
  const versions = html`<section aria-labelledby="versions">
    <h2 id="versions">Versions</h2>
    <ul class="version-list">
      ${model.versions.map(
        (v) =>
          html`<li>
            <a href="${attr(relativeHref(path, versionPage(model, v.version)))}">${v.version}</a>
            <span class="note"
              >first promoted
              ${time(v.firstPromotedAt)}${v.environments.length > 0 ? `; held ${v.environments.join(', ')}` : ''}</span
            >
          </li>`,
      )}
    </ul>
  </section>`;
  const body = html`<h1><span class="muted">${model.repository} /</span> ${model.name}</h1>
    <dl class="facts">
      <div>
        <dt>Owner</dt>
        <dd>
          ${owners(model.owner)}${model.owner.checked ? '' : html` <span class="note">(membership not checked)</span>`}
        </dd>
      </div>
      <div>
        <dt>Environments</dt>
        <dd>
          ${
            model.environments.length > 0
              ? join(
                  model.environments.map((e, i) => html`<a href="#env-${i}">${e.name}</a>`),
                  ', ',
                )
              : 'none'
          }
        </dd>
      </div>
    </dl>
    ${model.environments.map((environment, i) => environmentSection(model, path, environment, i))}
    ${versions}`;
  return page(
    doc,
    path,
    `${model.repository}/${model.name}`,
    [{ label: 'Fleet', path: FLEET_PAGE }, { label: `${model.repository}/${model.name}` }],
    body,
  );
}
