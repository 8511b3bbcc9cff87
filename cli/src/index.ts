#!/usr/bin/env node
/**
 * `mlops-actions`: the command-line entry, so that a data scientist can run on a laptop what
 * the workflow runs on GitHub. Wiring only: the commands are cli/src/commands/*, the dispatcher
 * cli/src/main.ts.
 */
import { runServingShards } from '../../shared/validation/shard-worker.js';
import { main } from './main.js';

/**
 * A reader that stops early (`mlops-actions validate … | head -1`) closes the pipe: that is the
 * reader's choice, not a failure, so the command ends quietly with success.
 */
function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

// `validate` and `monitor` check large files in shards on worker threads that run this same bundle.
await runServingShards(() => {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  return main(process.argv.slice(2));
});
