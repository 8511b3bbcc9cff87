import { runAction } from '../../../shared/action/run-action.js';
import { publishRegistry } from './run.js';

process.exitCode = await runAction(publishRegistry);
