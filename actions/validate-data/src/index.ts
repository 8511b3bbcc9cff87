import { runAction } from '../../../shared/action/run-action.js';
import { validateData } from './run.js';

await runAction(validateData);
