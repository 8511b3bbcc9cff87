import { runAction } from '../../../shared/action/run-action.js';
import { evaluateModel } from './run.js';

process.exitCode = await runAction(evaluateModel);
