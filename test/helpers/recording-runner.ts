import type { AnnotationProperties, Runner } from '../../shared/action/runner.js';

export interface RecordedRunner extends Runner {
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  summary: string[];
  log: { level: string; message: string; where?: AnnotationProperties }[];
}

/** A runner that records everything an action does, for run() tests without a child process. */
export function recordingRunner(inputs: Record<string, string> = {}): RecordedRunner {
  const runner: RecordedRunner = {
    inputs,
    outputs: {},
    summary: [],
    log: [],
    getInput: (name) => inputs[name]?.trim(),
    setOutput: (name, value) => void (runner.outputs[name] = String(value)),
    appendSummary: (markdown) => void runner.summary.push(markdown),
    debug: (message) => void runner.log.push({ level: 'debug', message }),
    info: (message) => void runner.log.push({ level: 'info', message }),
    notice: (message, where) => void runner.log.push({ level: 'notice', message, where }),
    warning: (message, where) => void runner.log.push({ level: 'warning', message, where }),
    error: (message, where) => void runner.log.push({ level: 'error', message, where }),
    group: async (_name, body) => body(),
  };
  return runner;
}
