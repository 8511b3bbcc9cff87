/**
 * The fleet document (`fleet.json`, format `mlops-actions/fleet@1`): every model of one or many
 * repositories, the version in each environment with its history, owner, monitor status and
 * health flags, and the lineage of every version. publish-registry reads GitHub into it
 * (read-fleet.ts) and renders it (the site, a table, Markdown); `mlops-actions registry --format
 * json` prints it. It is the contract between the reader and the renderers, and a document users
 * may feed to their own tools, so it is checked with this schema wherever it is read back.
 *
 * Everything in it came from repositories (names, payloads, release assets, issue bodies): the
 * renderers escape every string; identifiers (models, versions, environments) were checked where
 * they entered, so they are safe in file names and URLs.
 */
import { z } from 'zod';
import { MONITOR_STATUSES } from '../monitor/monitor-report.js';

export const FLEET_FORMAT = 'mlops-actions/fleet@1';

const isoTime = z.iso.datetime({ offset: true });
const interval = z.tuple([z.number(), z.number()]);
const metricValue = z.object({ value: z.number(), ci: interval.optional() });

/** The flags a model in an environment can carry, in the order the fleet page shows them. */
export const FLAGS = ['stale', 'orphaned', 'unwatched', 'overridden'] as const;
export type Flag = (typeof FLAGS)[number];

/** One entry of an environment's timeline: what happened to it, newest first. */
const timelineEventSchema = z.object({
  /**
   * `promotion`: a version became the model; `rollback`: an earlier version was restored (with
   * its reason); `failed`: a promotion that never took effect (its latest status is failure or
   * error); `retired`: the suite marked it inactive.
   */
  kind: z.enum(['promotion', 'rollback', 'failed', 'retired']),
  version: z.string(),
  at: isoTime,
  deploymentId: z.number().int(),
  /** Who recorded it (the deployment's creator). */
  by: z.string().optional(),
  approvedBy: z.array(z.string()).default([]),
  /** The gates were overridden, with this reason. */
  overrideReason: z.string().optional(),
  /** A rollback: the version it replaced and why. */
  rollback: z.object({ from: z.string().optional(), reason: z.string() }).optional(),
  runUrl: z.string().optional(),
  /** The latest status's description (why a promotion failed). */
  status: z.string().optional(),
});
export type TimelineEvent = z.output<typeof timelineEventSchema>;

/** The monitor's last word on a model in an environment, read from its monitor issue. */
const monitorSchema = z.object({
  status: z.enum(MONITOR_STATUSES),
  checkedAt: isoTime,
  issue: z.object({
    number: z.number().int(),
    url: z.string(),
    state: z.enum(['open', 'closed']),
  }),
  runUrl: z.string().optional(),
  /** Share of the monitored features that drift, 0–1. */
  driftShare: z.number(),
  /** The performance metric the monitor tracks, as of its last run. */
  metric: z.object({ name: z.string(), value: z.number() }).optional(),
  /** The last runs, oldest first, for a small chart. */
  history: z
    .array(z.object({ at: isoTime, status: z.enum(MONITOR_STATUSES), driftShare: z.number() }))
    .default([]),
});
export type FleetMonitor = z.output<typeof monitorSchema>;

/** A model in one environment: the version there now, its age, health and history. */
const environmentSchema = z.object({
  name: z.string(),
  /** The version there now; undefined when no promotion holds the environment (all failed or retired). */
  current: z
    .object({
      version: z.string(),
      deploymentId: z.number().int(),
      promotedAt: isoTime,
      promotedBy: z.string().optional(),
      approvedBy: z.array(z.string()).default([]),
      overrideReason: z.string().optional(),
      rollback: z.object({ from: z.string().optional(), reason: z.string() }).optional(),
      /** Whole days between promotedAt and the document's generatedAt. */
      ageDays: z.number().int().nonnegative(),
    })
    .optional(),
  monitor: monitorSchema.optional(),
  flags: z.array(z.enum(FLAGS)).default([]),
  /** Why each flag is raised, in a sentence, by flag. */
  reasons: z.partialRecord(z.enum(FLAGS), z.string()).default({}),
  timeline: z.array(timelineEventSchema).default([]),
});
export type FleetEnvironment = z.output<typeof environmentSchema>;

const hashedFile = z.object({
  path: z.string(),
  sha256: z.string(),
  bytes: z.number().int().nonnegative().optional(),
});

/** A column of the training data profile, in short. */
const profileColumnSchema = z.object({
  name: z.string(),
  type: z.string(),
  count: z.number().int().nonnegative(),
  nulls: z.number().int().nonnegative(),
  min: z.union([z.number(), z.string()]).optional(),
  max: z.union([z.number(), z.string()]).optional(),
  mean: z.number().optional(),
  distinct: z.number().optional(),
});

/**
 * What one version was built from and how it did: from its deployment payload always, and from
 * the Release assets (manifest, metrics report, data profile) when it was published.
 */
const lineageSchema = z.object({
  /** Where the details came from: the Release's files, or the deployment payload alone. */
  source: z.enum(['release', 'payload']),
  /** Why there is no Release detail (no Release: never in production; an asset missing or unreadable). */
  missing: z.string().optional(),
  trainedAt: isoTime.optional(),
  command: z.string().optional(),
  seed: z.number().int().optional(),
  data: z.array(hashedFile).default([]),
  config: z
    .object({
      path: z.string().optional(),
      sha256: z.string(),
      /** The canonical config's values by dotted key, credentials hidden, as the manifest records them. */
      values: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  code: z
    .object({ source: z.string(), sha256: z.string(), files: z.number().int().nonnegative() })
    .optional(),
  lockFiles: z.array(hashedFile).default([]),
  runtime: z
    .object({
      python: z.string().optional(),
      r: z.string().optional(),
      image: z.string().optional(),
      os: z.string().optional(),
      /** Every installed distribution as `name==version` (from the manifest; empty from a payload). */
      packages: z.array(z.string()).default([]),
      packagesCount: z.number().int().nonnegative().optional(),
    })
    .optional(),
  evaluation: z
    .object({
      task: z.string().optional(),
      rows: z.number().int().nonnegative().optional(),
      dataSha256: z.string().optional(),
    })
    .optional(),
  /** Per slice (`column=value`), the metrics with intervals, from the metrics report. */
  slices: z.record(z.string(), z.record(z.string(), metricValue)).default({}),
  profile: z
    .object({ rows: z.number().int().nonnegative(), columns: z.array(profileColumnSchema) })
    .optional(),
});
export type FleetLineage = z.output<typeof lineageSchema>;

/** One version of a model, as promoted: its evidence and where it has been. */
const versionSchema = z.object({
  version: z.string(),
  fingerprint: z.string(),
  /** The commit it was trained from. */
  commit: z.string(),
  /** The environments it has held, in order of first promotion. */
  environments: z.array(z.string()),
  firstPromotedAt: isoTime,
  /** The metrics the gates judged, with intervals where the metrics report gives them. */
  metrics: z.record(z.string(), metricValue),
  /** The gates' verdict at its latest promotion, when recorded. */
  verdict: z.string().optional(),
  runUrl: z.string().optional(),
  release: z
    .object({
      tag: z.string(),
      url: z.string().optional(),
      /** The model card's download URL. */
      modelCardUrl: z.string().optional(),
    })
    .optional(),
  /** The comparison the approvers saw (promote-model's digest), who approved and when. */
  approval: z.object({ digest: z.string(), by: z.array(z.string()), at: isoTime }).optional(),
  comparisonDigest: z.string().optional(),
  overrideReason: z.string().optional(),
  /**
   * The bias check recorded with the version (evaluate-model's `sensitive-features`): the
   * attributes checked and each fairness measure with its interval; undefined: never checked.
   */
  fairness: z
    .object({
      attributes: z.array(z.string()),
      measures: z.array(
        z.object({
          attribute: z.string(),
          measure: z.string(),
          value: z.number().nullable(),
          ci: interval.optional(),
        }),
      ),
    })
    .optional(),
  lineage: lineageSchema,
});
export type FleetVersion = z.output<typeof versionSchema>;

/** Who owns a model, and whether they still can. */
const ownerSchema = z.object({
  /** GitHub handles (`@login`, `@org/team`) or e-mail addresses; empty when none was recorded. */
  handles: z.array(z.string()).default([]),
  /** The handles that are no longer collaborators of the repository or members of their organisation or team. */
  gone: z.array(z.string()).default([]),
  /** Whether membership could be checked (a token that may not list collaborators cannot). */
  checked: z.boolean(),
});

const modelSchema = z.object({
  /** `<owner>/<repo>/<model>`: unique across the fleet, and the model page's path. */
  id: z.string(),
  repository: z.string(),
  name: z.string(),
  owner: ownerSchema,
  environments: z.array(environmentSchema),
  /** Every version ever promoted, newest first. */
  versions: z.array(versionSchema),
});
export type FleetModel = z.output<typeof modelSchema>;

export const fleetDocumentSchema = z.object({
  format: z.literal(FLEET_FORMAT),
  /** When GitHub was read: the page says how fresh it is. */
  generatedAt: isoTime,
  staleAfterDays: z.number().positive(),
  /** The repositories read, and those left out with the reason (no access, archived, no models). */
  repositories: z.array(
    z.object({
      fullName: z.string(),
      url: z.string(),
      models: z.number().int().nonnegative(),
      skipped: z.string().optional(),
    }),
  ),
  models: z.array(modelSchema),
  /** What reading GitHub cost: REST and GraphQL requests, 304s (free), asset downloads. */
  cost: z.object({
    rest: z.number().int().nonnegative(),
    graphql: z.number().int().nonnegative(),
    notModified: z.number().int().nonnegative(),
    downloads: z.number().int().nonnegative(),
    seconds: z.number().nonnegative(),
  }),
});
export type FleetDocument = z.output<typeof fleetDocumentSchema>;
