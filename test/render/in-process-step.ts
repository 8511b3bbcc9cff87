/**
 * The example pipeline's steps run from source, in this process (test/helpers/in-process.ts),
 * instead of as built bundles, with their GitHub calls going to the in-memory fake: the
 * rendering check reads what the actions write as they are in the tree, without a build and
 * without Octokit's pacing of writes, in seconds. The pipeline commits the repository's files to
 * the stand-in (where compare-metrics reads the gate policy); they are copied to the fake before
 * each step, and so are the workflows it seeds.
 */
import { compareMetrics } from '../../actions/compare-metrics/src/run.js';
import { evaluateModel } from '../../actions/evaluate-model/src/run.js';
import { monitorModel } from '../../actions/monitor-model/src/run.js';
import { publishRegistry } from '../../actions/publish-registry/src/run.js';
import { promoteModel } from '../../actions/promote-model/src/run.js';
import { trainModel } from '../../actions/train-model/src/run.js';
import { validateData } from '../../actions/validate-data/src/run.js';
import type { RunOptions, RunResult } from '../../harness/runner/run-bundle.js';
import type { ActionDefinition } from '../../shared/action/run-action.js';
import type { InputSchema } from '../../shared/action/inputs.js';
import type { StandIns } from '../../harness/stand-ins/index.js';
import type { FakeGitHub } from '../fakes/github-port.js';
import { runInProcess } from '../helpers/in-process.js';

const ACTIONS: Record<string, ActionDefinition<InputSchema>> = {
  'compare-metrics': compareMetrics as unknown as ActionDefinition<InputSchema>,
  'evaluate-model': evaluateModel as unknown as ActionDefinition<InputSchema>,
  'monitor-model': monitorModel as unknown as ActionDefinition<InputSchema>,
  'promote-model': promoteModel as unknown as ActionDefinition<InputSchema>,
  'publish-registry': publishRegistry as unknown as ActionDefinition<InputSchema>,
  'train-model': trainModel as unknown as ActionDefinition<InputSchema>,
  'validate-data': validateData as unknown as ActionDefinition<InputSchema>,
};

export const inProcessSteps =
  (standIns: StandIns, github: FakeGitHub) =>
  async (action: string, options: RunOptions): Promise<RunResult> => {
    const definition = ACTIONS[action];
    if (!definition) throw new Error(`No in-process definition for the action ${action}`);
    for (const [ref, files] of standIns.github.files) github.files.set(ref, new Map(files));
    // And the workflows it seeds (the one monitor-model dispatches).
    for (const workflow of standIns.github.workflows)
      if (!github.workflows.some((w) => w.path === workflow.path))
        github.seedWorkflow({
          path: workflow.path,
          ...(workflow.dispatchInputs ? { dispatchInputs: workflow.dispatchInputs } : {}),
        });
    const started = performance.now();
    const result = await runInProcess(definition, { ...options, github });
    const annotations = result.annotations.map((a) => ({
      command: a.level,
      properties: {},
      message: a.message,
    }));
    return {
      exitCode: result.exitCode,
      stdout: result.runner.log.map((entry) => `${entry.level}: ${entry.message}`).join('\n'),
      stderr: '',
      outputs: result.outputs,
      env: {},
      summary: result.summary,
      commands: annotations,
      annotations,
      durationMs: performance.now() - started,
      timedOut: false,
    };
  };
