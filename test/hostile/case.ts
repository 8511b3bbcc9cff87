/**
 * One hostile input, as a pull request could bring it, run through a built bundle (or the
 * command-line entry) by `corpus.ts`, one test file per area. A case is refused with an error that says where
 * (file, line or field) and what was expected, or, for names that are legitimate data, rendered
 * escaped; the corpus also checks, for each case, that no stack trace is printed, that no value of the step's environment is
 * echoed, that nothing is written outside the job's folders, and that the step ends in time.
 */
type HostileAction =
  | 'validate-data'
  | 'train-model'
  | 'evaluate-model'
  | 'compare-metrics'
  | 'promote-model'
  | 'monitor-model'
  | 'cli';

/** A file of the case: its content, or a symbolic link to `symlink` (absolute, or relative to the link). */
export type CaseFile = string | Buffer | { symlink: string };

export interface HostileCase {
  /** Unique and short; the case's files live in the workspace folder `hostile/<id>/`. */
  id: string;
  action: HostileAction;
  /** Files under `hostile/<id>/`, by relative path. A symlink target may use `{workspace}`, `{outside}` and `{dir}`. */
  files?: Record<string, CaseFile>;
  /**
   * The step's inputs (for `cli`: not used). In every value `{dir}` becomes `hostile/<id>`,
   * `{outside}` a folder beside the workspace that no step may write to or read from, and
   * `{workspace}` the workspace's absolute path.
   */
  inputs?: Record<string, string>;
  /** The command line for `cli`, with the same placeholders. */
  args?: string[];
  /** The event the step runs for; default: a pull_request.opened payload. */
  event?: { name: string; payload: unknown };
  /**
   * What must happen. Most cases are refused: the step exits non-zero and its error text
   * (error annotations for an action, what the CLI prints) matches `error`, naming the
   * file, line or field and what was expected. Hostile names that are legitimate data (a PR
   * title, a metric or class name full of Markdown) are `rendered` instead: the step succeeds
   * and its job summary, comment body and outputs must not match `raw` (the unescaped markup).
   */
  expect: { error: RegExp } | { rendered: { raw: RegExp; shown?: RegExp } };
}
