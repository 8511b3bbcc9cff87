import { realpathSync } from 'node:fs';
import { runAction } from '../../../shared/action/run-action.js';
import {
  isValidationWorker,
  offerValidationWorkers,
  serveValidationShards,
} from '../../../shared/validation/shard-worker.js';
import { monitorModel } from './run.js';

// A large window is profiled in shards on worker threads that run this same bundle, as
// validate-data does.
if (isValidationWorker()) await serveValidationShards();
else {
  offerValidationWorkers(realpathSync(process.argv[1]!));
  process.exitCode = await runAction(monitorModel);
}
