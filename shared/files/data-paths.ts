/**
 * The `data` input: paths and glob patterns, one a line. A pattern is expanded (sorted, so
 * that shards come in a stable order) and must match at least one file; a plain path is kept
 * as written, so that a missing file is reported by its reader with the usual message.
 */
import { UserError } from '../action/errors.js';

const GLOB = /[*?[\]{}]/;

export async function expandDataPaths(
  entries: readonly string[],
  cwd = process.cwd(),
): Promise<string[]> {
  const paths: string[] = [];
  for (const entry of entries) {
    if (!GLOB.test(entry)) {
      paths.push(entry);
      continue;
    }
    // Loaded only for patterns: most workflows name their files, and start-up counts.
    const { glob } = await import('tinyglobby');
    // Links are not followed: a pull request's link to / or /proc would have the walk read the
    // runner's whole file system (and loop). A linked file is validated when named directly.
    const matches = (
      await glob(entry, {
        cwd,
        onlyFiles: true,
        dot: false,
        expandDirectories: false,
        followSymbolicLinks: false,
      })
    ).sort();
    if (matches.length === 0)
      throw new UserError(
        `The data pattern "${entry}" matches no file (relative to ${cwd}). Check the pattern, or that the files exist at this step.`,
      );
    paths.push(...matches);
  }
  return [...new Set(paths)];
}
