/** Pieces several pages show: owners, monitor status, flags, the bias check. */
import type { FleetEnvironment, FleetModel, FleetVersion } from '../fleet-document.js';
import { biasCheckText } from '../bias-check.js';
import { day, handle } from './format.js';
import { attr, externalLink, html, join, type Html } from './html.js';

export function owners(owner: FleetModel['owner']): Html {
  if (owner.handles.length === 0) return html`<span class="warning">no owner recorded</span>`;
  const gone = new Set(owner.gone);
  return join(
    owner.handles.map((h) => handle(h, gone.has(h))),
    ', ',
  );
}

export function people(logins: readonly string[] | undefined): Html {
  return logins && logins.length > 0
    ? join(
        logins.map((login) => handle(login)),
        ', ',
      )
    : html`—`;
}

/** `drifting since 2026-12-01`, linked to the monitor issue; "not monitored" without one. */
export function monitorStatus(environment: FleetEnvironment): Html {
  const monitor = environment.monitor;
  if (!monitor) return html`<span class="muted">not monitored</span>`;
  const label = html`<span class="${attr(`status status-${monitor.status}`)}"
    >${monitor.status}</span
  >`;
  return html`${externalLink(label, monitor.issue.url)}
    <span class="note">as of ${day(monitor.checkedAt)}</span>`;
}

/** "checked for bias on sex, age_band: demographic parity ratio (sex) 0.93 [0.88, 0.97]" (bias-check.ts). */
export function biasCheck(version: FleetVersion | undefined): Html {
  if (!version) return html`—`;
  const text = biasCheckText(version);
  return version.fairness
    ? html`${text}`
    : html`<span class="warning"><span aria-hidden="true">⚠ </span>${text}</span>`;
}

export function flagList(environment: FleetEnvironment): Html {
  if (environment.flags.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul class="flags">
    ${environment.flags.map((flag) => {
      const reason = environment.reasons[flag];
      return html`<li>
        <span class="${attr(`flag flag-${flag}`)}" ${reason ? html` title="${attr(reason)}"` : ''}
          >${flag}</span
        >${reason ? html` <span class="reason">${reason}</span>` : ''}
      </li>`;
    })}
  </ul>`;
}
