import { runAction } from '../../../shared/action/run-action.js';
import { monitorModel } from './run.js';

process.exitCode = await runAction(monitorModel);
