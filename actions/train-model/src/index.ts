import { runAction } from '../../../shared/action/run-action.js';
import { trainModel } from './run.js';

process.exitCode = await runAction(trainModel);
