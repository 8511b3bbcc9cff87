import { realpathSync } from 'node:fs';
import { runAction } from '../../../shared/action/run-action.js';
import {
  isValidationWorker,
  offerValidationWorkers,
  serveValidationShards,
} from '../../../shared/validation/shard-worker.js';
import { validateData } from './run.js';

// Large files are checked in shards on worker threads that run this same bundle.
if (isValidationWorker()) await serveValidationShards();
else {
  offerValidationWorkers(realpathSync(process.argv[1]!));
  process.exitCode = await runAction(validateData);
}
