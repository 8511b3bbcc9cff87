/**
 * The Runner of the command-line entry: inputs from the command line (defaults from the
 * action's action.yml, as on GitHub), outputs and annotations printed for a person at a
 * terminal instead of workflow commands. An action run through it takes the very code path
 * it takes on a runner.
 */
import { appendFileSync } from 'node:fs';
import type { AnnotationProperties, Logger, Runner } from './runner.js';

type Write = (line: string) => void;

function located(level: string, message: string, where: AnnotationProperties = {}): string {
  const place = where.file ? `${where.file}${where.line ? `:${where.line}` : ''}: ` : '';
  const title = where.title ? `[${where.title}] ` : '';
  return `${level}: ${place}${title}${message}`;
}

export interface CliRunnerOptions {
  inputs: Readonly<Record<string, string>>;
  /** Where the Markdown job summary goes; dropped when absent. */
  summaryPath?: string;
  write?: Write;
  verbose?: boolean;
  /** A progress display for long reads (a bar on a terminal); log lines without it. */
  progress?: Logger['progress'];
}

export function createCliRunner(
  options: CliRunnerOptions,
): Runner & { outputs: Record<string, string> } {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const outputs: Record<string, string> = {};
  return {
    outputs,
    ...(options.progress ? { progress: options.progress } : {}),
    getInput: (name) => options.inputs[name]?.trim(),
    setOutput(name, value) {
      outputs[name] = String(value);
      write(`${name}: ${String(value)}`);
    },
    appendSummary(markdown) {
      if (options.summaryPath) appendFileSync(options.summaryPath, `${markdown}\n`, 'utf8');
    },
    debug: (message) => {
      if (options.verbose) write(`debug: ${message}`);
    },
    info: (message) => write(message),
    notice: (message, where) => write(located('notice', message, where)),
    warning: (message, where) => write(located('warning', message, where)),
    error: (message, where) => write(located('error', message, where)),
    async group(name, body) {
      write(`== ${name}`);
      return body();
    },
  };
}
