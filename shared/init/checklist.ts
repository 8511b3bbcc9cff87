/**
 * The GitHub settings the written workflows rely on and `init` cannot make: printed by `init`
 * after the files, and kept in docs/settings.md (a test checks the two agree).
 */
import { MONITOR_WORKFLOW_PATH, WORKFLOW_PATHS } from './workflows.js';

const DOCS = 'https://docs.github.com/en';

export interface ChecklistItem {
  title: string;
  detail: string;
  link: string;
}

/** mlops-actions' own docs, at the major version the written workflows pin. */
const SUITE_DOCS = 'https://github.com/mlops-actions/mlops-actions/blob/v1/docs';

/** What init wrote beyond the workflows it always writes: the monitor, and its retraining. */
export interface ChecklistOptions {
  monitor?: boolean;
  /** The workflow the monitor dispatches (--retrain-workflow). */
  retrain?: string;
}

export function settingsChecklist(gates: string, options: ChecklistOptions = {}): ChecklistItem[] {
  return [...alwaysItems(gates), ...(options.monitor ? monitorItems(options.retrain) : [])];
}

function monitorItems(retrain: string | undefined): ChecklistItem[] {
  return [
    {
      title: 'Keep Issues enabled, and the monitor schedule running',
      detail: `Settings → General → Features → Issues: ${MONITOR_WORKFLOW_PATH} keeps one issue per model and environment; with Issues turned off GitHub refuses it and the run fails (or give the monitor step \`issue: never\`). Scheduled workflows run from the default branch; in a public repository GitHub disables them after 60 days without activity, and Actions → Monitor model → Enable workflow turns them back on.`,
      link: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/disabling-issues`,
    },
    ...(retrain
      ? [
          {
            title: `Give the retraining workflow ${retrain} a workflow_dispatch trigger`,
            detail: `The monitor dispatches ${retrain} (at most once per cool-down) when the model drifts or degrades: it needs \`on: workflow_dispatch:\` with the inputs \`model-name\`, \`environment\` and \`reason\`, and must be on the default branch (examples/workflows/retrain.yml of mlops-actions is one).`,
            link: `${SUITE_DOCS}/monitoring.md#retraining`,
          },
        ]
      : []),
  ];
}

function alwaysItems(gates: string): ChecklistItem[] {
  return [
    {
      title: 'Create the environments `staging` and `production`',
      detail:
        'Settings → Environments → New environment. The release workflow names them; promote-model records each promotion as a deployment to them. A private repository needs GitHub Pro, Team or Enterprise for environments.',
      link: `${DOCS}/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#creating-an-environment`,
    },
    {
      title: 'Add required reviewers to both environments',
      detail:
        'Each environment → Deployment protection rules → Required reviewers (and untick "Allow administrators to bypass"). Public repositories: every plan; private or internal repositories: GitHub Enterprise only (Free, Pro and Team offer required reviewers on public repositories alone). Without reviewers the promotion runs unapproved: the read-only check job still records its verdict first.',
      link: `${DOCS}/actions/managing-workflow-runs-and-deployments/managing-deployments/managing-environments-for-deployment#required-reviewers`,
    },
    {
      title: 'Require the check "Compare with production" before merging',
      detail:
        'Settings → Branches (or Rules → Rulesets) → the default branch → Require status checks to pass → add "Compare with production" ("check / Compare with production" when init wrote callers of the reusable workflows, --reusable); it can be picked once a pull request has run it.',
      link: `${DOCS}/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches#require-status-checks-before-merging`,
    },
    {
      title: 'Keep the default workflow token read-only',
      detail:
        'Settings → Actions → General → Workflow permissions → "Read repository contents and packages permissions". Every job asks for exactly what it needs; forks get a read-only token whatever is asked, and model-comment.yml posts their comments.',
      link: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#setting-the-permissions-of-the-github_token-for-your-repository`,
    },
    {
      title: 'Allow the actions mlops-actions/mlops-actions/* (if actions are restricted)',
      detail:
        'Settings → Actions → General → Actions permissions: allow them, with actions/checkout, actions/setup-*, actions/upload-artifact and actions/download-artifact.',
      link: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository#allowing-select-actions-and-reusable-workflows-to-run`,
    },
    {
      title: `Protect the gate policy ${gates} with a code owner`,
      detail:
        "A pull request that loosens it is judged by the base branch's version, and the comment lists the loosening; a CODEOWNERS entry makes its owner review the change too.",
      link: `${DOCS}/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners`,
    },
    {
      title: 'Seed production once',
      detail: `Actions → Release model → Run workflow with a tag (or publish a Release) and approve staging and production: until a model is in production, pull requests are compared with nothing (docs/seeding-production.md). Workflows: ${Object.values(WORKFLOW_PATHS).join(', ')}.`,
      link: `${DOCS}/actions/managing-workflow-runs-and-deployments/managing-workflow-runs/manually-running-a-workflow`,
    },
  ];
}

export function renderChecklist(items: readonly ChecklistItem[], notes: readonly string[]): string {
  return [
    'GitHub settings to make (init cannot make them):',
    ...items.map((item) => `  [ ] ${item.title}\n      ${item.detail}\n      ${item.link}`),
    ...(notes.length ? ['', 'Notes:', ...notes.map((note) => `  - ${note}`)] : []),
    '',
  ].join('\n');
}
