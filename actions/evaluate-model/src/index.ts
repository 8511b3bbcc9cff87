import { runAction } from '../../../shared/action/run-action.js';
import { evaluateModel } from './run.js';

await runAction(evaluateModel);
