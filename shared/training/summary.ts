import type { Manifest } from '../lineage/manifest.js';
import { escapeMarkdown, inlineCode } from '../markdown/escape.js';

/** The job summary of a training: the version, what the fingerprint covers, and every output. */
export function renderTrainingSummary(manifest: Manifest): string {
  const rows = manifest.outputs
    .map((o) => `| ${inlineCode(o.path)} | ${o.bytes ?? ''} | \`${o.sha256.slice(0, 16)}…\` |`)
    .join('\n');
  return [
    `### 🧪 Trained ${escapeMarkdown(manifest.model.name)} version \`${manifest.model.version}\``,
    `Fingerprint \`${manifest.fingerprint}\` over the config, ${manifest.data.length} data file(s), the code, ${manifest.lockFiles?.length ?? 0} lock file(s), the command and seed ${manifest.seed}; training took ${manifest.training.durationSeconds.toFixed(1)} s.`,
    ...(manifest.unpinned?.length
      ? [
          `⚠️ ${manifest.unpinned.length} unpinned dependenc${manifest.unpinned.length === 1 ? 'y' : 'ies'}: ${manifest.unpinned.map((u) => inlineCode(u)).join(', ')}`,
        ]
      : []),
    '| Output | Bytes | sha256 |\n| --- | --- | --- |\n' + rows,
  ].join('\n\n');
}
