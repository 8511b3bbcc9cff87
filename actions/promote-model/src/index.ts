import { runAction } from '../../../shared/action/run-action.js';
import { promoteModel } from './run.js';

await runAction(promoteModel);
