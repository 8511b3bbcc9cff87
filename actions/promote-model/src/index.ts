import { runAction } from '../../../shared/action/run-action.js';
import { promoteModel } from './run.js';

process.exitCode = await runAction(promoteModel);
