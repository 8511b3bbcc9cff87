/**
 * The runner contract of a JavaScript action: inputs from `INPUT_*` variables, outputs and the
 * job summary through file commands, logs and annotations through workflow commands.
 *
 * Written here instead of importing @actions/core: on this project's bench, importing
 * @actions/core alone (it loads @actions/http-client, undici and @actions/exec at start-up for
 * OIDC and platform helpers we do not use) costs 3.3x `node -e 0`, which leaves no room for
 * the start-up budget of 3.5x. The formats below follow actions/toolkit
 * packages/core (command.ts, file-command.ts) and the runner's FileCommandManager.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, statSync } from 'node:fs';
import { EOL } from 'node:os';

/** Where an annotation points. Lines and columns are 1-based. */
export interface AnnotationProperties {
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
}

/** How far a long read has got (validate-data's files). */
export interface ReadProgress {
  file: string;
  rows: number;
  rowsPerSecond: number;
}

export interface Logger {
  /**
   * Where a long read reports its progress, when not as a log line every 10 s: a terminal
   * draws a bar (the command line). Updates come about every `intervalMs`.
   */
  progress?: { intervalMs: number; update(progress: ReadProgress): void };
  debug(message: string): void;
  info(message: string): void;
  notice(message: string, where?: AnnotationProperties): void;
  warning(message: string, where?: AnnotationProperties): void;
  error(message: string, where?: AnnotationProperties): void;
  group<T>(name: string, body: () => Promise<T>): Promise<T>;
}

export interface Runner extends Logger {
  /** The raw input value, trimmed; undefined when the variable is absent. */
  getInput(name: string): string | undefined;
  setOutput(name: string, value: string | number | boolean): void;
  /** Appends Markdown to the job summary (a no-op outside a runner). */
  appendSummary(markdown: string): void;
}

/** GitHub rejects step summaries over 1 MiB (runner FileCommandManager.AttachmentSizeLimit). */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;

export function inputVariableName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Escaping of workflow-command data and properties, as actions/toolkit command.ts does it. */
function escapeCommandData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeCommandProperty(value: string): string {
  return escapeCommandData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatCommand(
  command: string,
  message: string,
  properties: AnnotationProperties = {},
): string {
  const props = Object.entries(properties)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}=${escapeCommandProperty(String(value))}`)
    .join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeCommandData(message)}`;
}

/** A `name<<delimiter` block, the only safe form for multi-line or untrusted values. */
function formatFileCommandValue(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`Unexpected delimiter collision while writing "${name}"`);
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

type Write = (line: string) => void;

export function createRunner(
  env: NodeJS.ProcessEnv = process.env,
  write: Write = (line) => process.stdout.write(line + EOL),
): Runner {
  const outputFile = env.GITHUB_OUTPUT;
  const summaryFile = env.GITHUB_STEP_SUMMARY;
  let summaryTruncated = false;

  const runner: Runner = {
    getInput: (name) => env[inputVariableName(name)]?.trim(),
    setOutput(name, value) {
      const text = String(value);
      if (outputFile) appendFileSync(outputFile, formatFileCommandValue(name, text), 'utf8');
      else write(`output ${name}: ${text}`);
    },
    appendSummary(markdown) {
      if (!summaryFile || summaryTruncated) return;
      const used = fileSize(summaryFile);
      const bytes = Buffer.byteLength(markdown + EOL, 'utf8');
      if (used + bytes > STEP_SUMMARY_LIMIT_BYTES) {
        summaryTruncated = true;
        appendFileSync(
          summaryFile,
          `${EOL}_The rest of this summary was left out: GitHub shows at most 1 MiB per step. The full report is in the step's outputs._${EOL}`,
        );
        runner.warning(
          "The job summary reached GitHub's 1 MiB limit; the rest was left out. See the report output for everything.",
        );
        return;
      }
      appendFileSync(summaryFile, markdown + EOL, 'utf8');
    },
    debug: (message) => write(formatCommand('debug', message)),
    info: (message) => write(message),
    notice: (message, where) => write(formatCommand('notice', message, where)),
    warning: (message, where) => write(formatCommand('warning', message, where)),
    error: (message, where) => write(formatCommand('error', message, where)),
    async group(name, body) {
      write(`::group::${escapeCommandData(name)}`);
      try {
        return await body();
      } finally {
        write('::endgroup::');
      }
    },
  };
  return runner;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
