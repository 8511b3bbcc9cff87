import { runAction } from '../../../shared/action/run-action.js';
import { runServingShards } from '../../../shared/validation/shard-worker.js';
import { monitorModel } from './run.js';

// A large window is profiled in shards on worker threads that run this same bundle, as
// validate-data does.
await runServingShards(() => runAction(monitorModel));
