/**
 * A version's page: its whole lineage, so that a complaint about a production model can be
 * traced to what it was trained on and why it was approved: the data files with their hashes
 * and profile, the config values, the code commit, the run, the environment (Python and every
 * package), the metrics with intervals and slices, the gates' verdict, the digest the approvers
 * saw, who approved and when, the Release and the model card, the bias check, and, when only
 * the deployment payload was there, what is missing.
 */
import type { FleetDocument, FleetLineage, FleetModel, FleetVersion } from '../fleet-document.js';
import { people } from './cells.js';
import { count, number, plural, time, withInterval } from './format.js';
import { attr, externalLink, html, join, type Html, type Part } from './html.js';
import { FLEET_PAGE, modelPage, relativeHref, versionPage } from './paths.js';
import { page } from './layout.js';

const COMMIT = /^[0-9a-f]{7,64}$/i;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

function commitLink(repository: string, commit: string): Html {
  const url =
    COMMIT.test(commit) && REPOSITORY.test(repository)
      ? `https://github.com/${repository}/commit/${commit}`
      : undefined;
  return externalLink(html`<code>${commit}</code>`, url);
}

const fact = (term: string, value: Part) =>
  value === undefined || value === ''
    ? ''
    : html`<div>
        <dt>${term}</dt>
        <dd>${value}</dd>
      </div>`;

function table(caption: string, headers: string[], rows: Part[][]): Html {
  return html`<div class="table-scroll" role="region" aria-label="${attr(caption)}" tabindex="0">
    <table>
      <caption>
        ${caption}
      </caption>
      <thead>
        <tr>
          ${headers.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          ([first, ...rest]) =>
            html`<tr>
              <th scope="row">${first}</th>
              ${rest.map((cell) => html`<td>${cell}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

const hash = (sha: string) => html`<code class="hash">${sha}</code>`;

function metrics(version: FleetVersion): Html {
  const names = Object.keys(version.metrics);
  const slices = Object.entries(version.lineage.slices);
  return html`<section aria-labelledby="metrics">
    <h2 id="metrics">Metrics</h2>
    ${
      names.length > 0
        ? table(
            'Metrics the gates judged',
            ['Metric', 'Value', 'Interval'],
            names.map((name) => {
              const m = version.metrics[name]!;
              return [
                name,
                number(m.value),
                m.ci ? `${number(m.ci[0])} to ${number(m.ci[1])}` : '—',
              ];
            }),
          )
        : html`<p class="muted">No metrics recorded.</p>`
    }
    ${
      slices.length > 0
        ? table(
            'Metrics by slice',
            ['Slice', 'Metrics'],
            slices.map(([slice, values]) => [
              slice,
              Object.entries(values)
                .map(([name, m]) => `${name} ${withInterval(m.value, m.ci)}`)
                .join('; '),
            ]),
          )
        : ''
    }
    <dl class="facts">
      ${fact('Gates verdict', version.verdict ?? html`<span class="muted">not recorded</span>`)}${fact('Evaluation', version.lineage.evaluation && join([version.lineage.evaluation.task, version.lineage.evaluation.rows !== undefined && plural(version.lineage.evaluation.rows, 'row'), version.lineage.evaluation.dataSha256 && html`data ${hash(version.lineage.evaluation.dataSha256)}`], ', '))}
    </dl>
  </section>`;
}

function fairness(version: FleetVersion): Html {
  const f = version.fairness;
  return html`<section aria-labelledby="fairness">
    <h2 id="fairness">Bias check</h2>
    ${
      f
        ? html`<p>Checked for bias on ${f.attributes.join(', ')}.</p>
            ${
              f.measures.length > 0
                ? table(
                    'Fairness measures',
                    ['Measure', 'Attribute', 'Value', 'Interval'],
                    f.measures.map((m) => [
                      m.measure,
                      m.attribute,
                      number(m.value),
                      m.ci ? `${number(m.ci[0])} to ${number(m.ci[1])}` : '—',
                    ]),
                  )
                : ''
            }`
        : html`<p class="warning">
            <span aria-hidden="true">⚠ </span>Never checked for bias: no sensitive features were
            given to evaluate-model for this version.
          </p>`
    }
  </section>`;
}

/**
 * Who approved, when, and what they saw: promote-model's digest of the comparison the reviewers
 * approved, which the promotion recomputed and found unchanged (so the approval binds to these
 * metrics, this baseline and these gates, not to whatever was promoted later).
 */
function approval(version: FleetVersion): Html {
  const a = version.approval;
  const digest = a?.digest ?? version.comparisonDigest;
  return html`<section aria-labelledby="approval">
    <h2 id="approval">Approval</h2>
    <dl class="facts">
      ${fact('Approved by', a ? people(a.by) : html`<span class="muted">no approval recorded</span>`)}${fact('Approved at', a && time(a.at))}${fact(a ? 'Digest the approvers saw' : 'Comparison digest', digest && html`${hash(digest)}${a ? html` <span class="note">(recomputed unchanged at promotion)</span>` : html` <span class="note">(no approval bound to it)</span>`}`)}${fact('Gates overridden', version.overrideReason && html`<q class="warning">${version.overrideReason}</q>`)}${fact('Release', version.release && externalLink(version.release.tag, version.release.url))}${fact('Model card', version.release?.modelCardUrl ? externalLink('model card', version.release.modelCardUrl) : version.release ? html`<span class="muted">none</span>` : '')}
    </dl>
  </section>`;
}

function data(lineage: FleetLineage): Html {
  const profile = lineage.profile;
  return html`<section aria-labelledby="data">
    <h2 id="data">Training data</h2>
    ${
      lineage.data.length > 0
        ? table(
            'Data files',
            ['File', 'SHA-256', 'Bytes'],
            lineage.data.map((f) => [
              f.path,
              hash(f.sha256),
              f.bytes !== undefined ? count(f.bytes) : '—',
            ]),
          )
        : html`<p class="muted">No data files recorded.</p>`
    }
    ${
      profile
        ? html`<h3>Profile</h3>
            <p>${plural(profile.rows, 'row')}, ${plural(profile.columns.length, 'column')}.</p>
            ${table(
              'Profile of the training data',
              ['Column', 'Type', 'Count', 'Nulls', 'Min', 'Max', 'Mean', 'Distinct'],
              profile.columns.map((c) => [
                c.name,
                c.type,
                count(c.count),
                count(c.nulls),
                c.min === undefined ? '—' : typeof c.min === 'number' ? number(c.min) : c.min,
                c.max === undefined ? '—' : typeof c.max === 'number' ? number(c.max) : c.max,
                c.mean === undefined ? '—' : number(c.mean),
                c.distinct === undefined ? '—' : count(c.distinct),
              ]),
            )}`
        : ''
    }
  </section>`;
}

function build(model: FleetModel, version: FleetVersion): Html {
  const l = version.lineage;
  const runtime = l.runtime;
  const config = l.config;
  const values = Object.entries(config?.values ?? {});
  return html`<section aria-labelledby="build">
    <h2 id="build">How it was built</h2>
    <dl class="facts">
      ${fact('Code commit', commitLink(model.repository, version.commit))}${fact('Run', version.runUrl ? externalLink('the workflow run', version.runUrl) : '')}${fact('Trained at', l.trainedAt && time(l.trainedAt))}${fact('Command', l.command && html`<code>${l.command}</code>`)}${fact('Seed', l.seed)}${fact('Code', l.code && html`${l.code.source}, ${plural(l.code.files, 'file')}, ${hash(l.code.sha256)}`)}${fact('Config', config && html`${config.path ?? 'config'} ${hash(config.sha256)}`)}${fact('Fingerprint', hash(version.fingerprint))}
    </dl>
    ${
      values.length > 0
        ? table(
            'Config values',
            ['Key', 'Value'],
            values.map(([key, value]) => [key, html`<code>${value}</code>`]),
          )
        : ''
    }
    ${
      l.lockFiles.length > 0
        ? table(
            'Lock files',
            ['File', 'SHA-256'],
            l.lockFiles.map((f) => [f.path, hash(f.sha256)]),
          )
        : ''
    }
    <h3>Environment</h3>
    ${
      runtime
        ? html`<dl class="facts">
              ${fact('Python', runtime.python)}${fact('R', runtime.r)}${fact('Image', runtime.image && html`<code>${runtime.image}</code>`)}${fact('Operating system', runtime.os)}
            </dl>
            ${
              runtime.packages.length > 0
                ? html`<details class="packages">
                    <summary>${plural(runtime.packages.length, 'package')} installed</summary>
                    <ul>
                      ${runtime.packages.map((p) => html`<li><code>${p}</code></li>`)}
                    </ul>
                  </details>`
                : runtime.packagesCount !== undefined
                  ? html`<p>
                      ${plural(runtime.packagesCount, 'package')} installed (the list is in the
                      manifest).
                    </p>`
                  : ''
            }`
        : html`<p class="muted">Not recorded.</p>`
    }
  </section>`;
}

export function versionPageHtml(
  doc: FleetDocument,
  model: FleetModel,
  version: FleetVersion,
): string {
  const path = versionPage(model, version.version);
  const lineage = version.lineage;
  const body = html`<h1><span class="muted">${model.name}</span> ${version.version}</h1>
    ${
      lineage.source === 'payload'
        ? html`<div class="notice" role="note">
            <p>
              <strong>Lineage from the deployment payload only.</strong>
              ${lineage.missing ?? 'The Release files (manifest, metrics report, data profile) were not read.'}
            </p>
          </div>`
        : lineage.missing
          ? html`<div class="notice" role="note"><p>${lineage.missing}</p></div>`
          : ''
    }
    <dl class="facts">
      ${fact('Model', html`<a href="${attr(relativeHref(path, modelPage(model)))}">${model.repository}/${model.name}</a>`)}${fact('Environments held', version.environments.length > 0 ? version.environments.join(', ') : 'none')}${fact('First promoted', time(version.firstPromotedAt))}${fact('Lineage from', lineage.source === 'release' ? 'the Release files' : 'the deployment payload')}
    </dl>
    ${data(lineage)} ${build(model, version)} ${metrics(version)} ${fairness(version)}
    ${approval(version)}`;
  return page(
    doc,
    path,
    `${model.name} ${version.version}`,
    [
      { label: 'Fleet', path: FLEET_PAGE },
      { label: `${model.repository}/${model.name}`, path: modelPage(model) },
      { label: version.version },
    ],
    body,
  );
}
