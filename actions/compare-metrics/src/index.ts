import { runAction } from '../../../shared/action/run-action.js';
import { compareMetrics } from './run.js';

process.exitCode = await runAction(compareMetrics);
