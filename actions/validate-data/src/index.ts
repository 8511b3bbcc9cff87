import { runAction } from '../../../shared/action/run-action.js';
import { runServingShards } from '../../../shared/validation/shard-worker.js';
import { validateData } from './run.js';

// Large files are checked in shards on worker threads that run this same bundle.
await runServingShards(() => runAction(validateData));
