import type { Manifest } from '../lineage/manifest.js';
import { escapeMarkdown, inlineCode, markdownLink } from '../markdown/escape.js';

/** The job summary of a training: the version, what the fingerprint covers, and every output. */
export function renderTrainingSummary(manifest: Manifest): string {
  const rows = manifest.outputs
    .map((o) => `| ${inlineCode(o.path)} | ${o.bytes ?? ''} | \`${o.sha256.slice(0, 16)}…\` |`)
    .join('\n');
  return [
    `### 🧪 Trained ${escapeMarkdown(manifest.model.name)} version \`${manifest.model.version}\``,
    `Fingerprint \`${manifest.fingerprint}\` over the config, ${manifest.data.length} data file(s), the code, ${manifest.lockFiles?.length ?? 0} lock file(s), the command and seed ${manifest.seed}.`,
    `**Cost:** ${describeCost(manifest.training)}`,
    ...(manifest.runtime ? [describeRuntime(manifest.runtime)] : []),
    ...(manifest.unpinned?.length
      ? [
          `⚠️ ${manifest.unpinned.length} unpinned dependenc${manifest.unpinned.length === 1 ? 'y' : 'ies'}: ${manifest.unpinned.map((u) => inlineCode(u)).join(', ')}`,
        ]
      : []),
    '| Output | Bytes | sha256 |\n| --- | --- | --- |\n' + rows,
  ].join('\n\n');
}

/** One line: the interpreters, how many packages, the image and the OS the command ran on. */
function describeRuntime(runtime: NonNullable<Manifest['runtime']>): string {
  const parts = [
    runtime.python &&
      `Python ${inlineCode(runtime.python.version)}${runtime.python.packages ? ` with ${runtime.python.packages.length} packages` : ''}`,
    runtime.r && `R ${inlineCode(runtime.r.version)}`,
    runtime.image &&
      `image ${inlineCode([runtime.image.os, runtime.image.version].filter(Boolean).join(' '))}`,
    runtime.osRelease?.prettyName && escapeMarkdown(runtime.osRelease.prettyName),
  ].filter(Boolean);
  const listed = runtime.python?.packages ? '; the manifest lists every installed package' : '';
  return `Ran on ${parts.length ? parts.join(', ') : 'an unknown runtime'}${listed}.`;
}

/** Training time, or on a cache hit the run it came from and the training time it saved. */
export function describeCost(training: Manifest['training']): string {
  const seconds = formatDuration;
  const from = training.restoredFrom;
  if (!from) return `training took ${seconds(training.durationSeconds)}.`;
  const run = from.runUrl ? markdownLink('the run', from.runUrl) : 'a run';
  const restore = from.restoreSeconds !== undefined ? ` in ${seconds(from.restoreSeconds)}` : '';
  return `restored from the cache${restore}: trained by ${run} of ${escapeMarkdown(from.startedAt.slice(0, 19).replace('T', ' '))} UTC, which saves ${seconds(training.durationSeconds)} of training.`;
}

/** A duration for a reader: `< 0.1 s`, `12.3 s`, `6 min 52 s`, `2 h 05 min`. */
export function formatDuration(seconds: number): string {
  if (seconds < 0.05) return '< 0.1 s';
  if (seconds < 100) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
