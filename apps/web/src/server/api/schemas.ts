import { auditActions } from '@steward/db'
import { maxRunsPerPage, runStatuses } from '@steward/engine/control'
import { textProblem } from '@steward/kernel'
import { z } from 'zod'

/**
 * The zod schemas of the HTTP API: the routes validate their bodies and queries with them, and
 * `GET /api/v1/openapi.json` is generated from them (`openapi/openapi-document.ts`), so what is
 * documented is what is checked. Response schemas describe what the routes answer; the routes
 * type their answers with them (`z.input<…>`).
 */

// C0 and C1 control characters, DEL: no id holds them, and PostgreSQL refuses NUL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/

/** An id as a filter (a product, a pipeline): what `refusePathId` lets through in a path. */
const idFilter = (what: string) =>
  z
    .string()
    .min(1)
    .max(200)
    .refine((id) => !controlCharacter.test(id) && !textProblem(id), {
      error: `must be a ${what} id: printable characters, valid Unicode`,
    })
    .describe(`only runs of this ${what}`)

const instant = (what: string) =>
  z.iso
    .datetime({ offset: true, error: 'must be an ISO 8601 instant, e.g. 2026-11-02T08:00:00Z' })
    .describe(what)

const params = z
  .record(z.string(), z.unknown(), { error: 'must be a JSON object' })
  .describe("the pipeline's params, checked against its params schema")

// Bodies.

export const startRunBody = z.object({
  params: params.nullish(),
  partition: z
    .string({ error: 'must be a partition key string, e.g. "2026-11-02"' })
    .optional()
    .describe('the partition to run, for a partitioned pipeline'),
})

export const startBackfillBody = z.object({
  from: z
    .string({ error: 'must be a partition key string, e.g. "2026-10-01"' })
    .optional()
    .describe('first partition (included); a static scheme may leave both ends out for every key'),
  to: z
    .string({ error: 'must be a partition key string, e.g. "2026-10-31"' })
    .optional()
    .describe('last partition (included)'),
  mode: z
    .enum(['all', 'only-failed', 'only-missing'], { error: 'must be one of all, only-failed, only-missing' })
    .default('all'),
  concurrency: z
    .number({ error: 'must be a whole number above 0' })
    .int({ error: 'must be a whole number above 0' })
    .min(1, { error: 'must be a whole number above 0' })
    .default(4)
    .describe('runs at once'),
  withDownstream: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .describe('also rerun the pipelines that follow this one'),
})

export const emitEventBody = z.object({
  params: params.nullish(),
  id: z
    .string({ error: 'must be a string' })
    .optional()
    .describe('the delivery id: the same id again starts nothing new'),
})

const by = z.string({ error: 'must be text: who does it' }).max(200).optional()

export const ackIncidentBody = z.object({ by: by.describe('who acknowledges; default: the web UI') })

export const snoozeIncidentBody = z.object({
  for: z.string({ error: 'must be a duration, e.g. "2h"' }).optional().describe('how long, e.g. "2h"'),
  until: z
    .string({ error: 'must be an ISO 8601 instant' })
    .optional()
    .describe('until when, e.g. 2026-12-01T09:00:00Z'),
  by: by.describe('who snoozes; default: the web UI'),
})

const usageEvents = z
  .array(z.unknown())
  .describe('at most 1,000 usage events (components/schemas/UsageEvent), each checked on its own')

export const usageBatchBody = z.union([z.object({ events: usageEvents }), usageEvents])

export const slackInteractionBody = z.object({
  payload: z.string().describe("Slack's block_actions payload, as JSON text"),
})

// Queries.

export const listRunsQuery = z.object({
  pipeline: idFilter('pipeline').optional(),
  product: idFilter('product').optional(),
  status: z
    .array(z.enum(runStatuses, { error: `must be one of ${runStatuses.join(', ')}` }))
    .optional()
    .describe('only runs with one of these statuses (repeat the parameter or separate by commas)'),
  from: instant('only runs created at or after this instant').optional(),
  to: instant('only runs created before this instant').optional(),
  limit: z.coerce
    .number({ error: `must be a whole number from 1 to ${maxRunsPerPage}` })
    .int({ error: `must be a whole number from 1 to ${maxRunsPerPage}` })
    .min(1, { error: `must be a whole number from 1 to ${maxRunsPerPage}` })
    .max(maxRunsPerPage, { error: `must be a whole number from 1 to ${maxRunsPerPage}` })
    .default(50)
    .describe('runs per page'),
  cursor: z.string().max(200).optional().describe("the previous page's nextCursor"),
})

/**
 * The audit log's filters, `GET /api/v1/audit`. Documentation of what `parseAuditQuery` reads (its
 * messages name the parameter the same way); the route keeps that parser, which the settings page
 * shares.
 */
export const auditQuery = z.object({
  action: z.enum(auditActions).optional().describe('only this action'),
  actorKind: z
    .enum(['user', 'token', 'slack', 'cli', 'local'])
    .optional()
    .describe('only this kind of actor'),
  actor: z.string().max(200).optional().describe('part of the actor’s name'),
  product: z.string().max(200).optional().describe('only this product’s rows'),
  since: z.string().optional().describe('ISO 8601 date or instant: rows at or after it'),
  until: z.string().optional().describe('ISO 8601 date or instant: rows before it'),
  before: z.string().optional().describe('the previous page’s `next`'),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('rows per page'),
})

export const auditAnswer = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      actor: z.object({
        kind: z.enum(['user', 'token', 'slack', 'cli', 'local']),
        name: z.string(),
        via: z.enum(['api', 'ui', 'cli', 'slack']),
        source: z.string().nullable(),
      }),
      action: z.enum(auditActions),
      target: z.object({ kind: z.string(), id: z.string() }),
      productId: z.string().nullable(),
      details: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  next: z.string().nullable().describe('pass as `before` for the next page; null on the last'),
})

/** `GET /api/v1/lineage`: the whole graph, or one product's neighbourhood. */
export const lineageQuery = z.object({
  product: z.string().min(1).max(200).optional().describe('only what feeds this product and what it feeds'),
})

const lineageStatus = z.enum(['ok', 'failing', 'stale', 'unknown'])

export const lineageAnswer = z.object({
  nodes: z.array(
    z.object({
      id: z.string().describe('`product:<id>`, `pipeline:<id>` or `table:<name>`'),
      kind: z.enum(['product', 'pipeline', 'table']),
      label: z.string(),
      status: lineageStatus,
      productId: z.string().nullable(),
      href: z.string().nullable(),
      upstreamProblem: z.boolean().describe('something upstream is failing or stale'),
      upstreamProblems: z.array(
        z.object({
          id: z.string(),
          kind: z.enum(['product', 'pipeline', 'table']),
          label: z.string(),
          status: lineageStatus,
          productId: z.string().nullable(),
        }),
      ),
    }),
  ),
  edges: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      kind: z
        .enum(['writes', 'reads', 'publishes', 'triggers', 'owns'])
        .describe('every edge points downstream'),
    }),
  ),
})

/** The alert ledger's window: `GET /api/v1/alerts/ledger`. */
export const ledgerQuery = z.object({
  product: idFilter('product').optional().describe('only this product’s rules (404 when none is deployed)'),
  days: z.coerce
    .number({ error: 'must be a whole number from 1 to 366' })
    .int({ error: 'must be a whole number from 1 to 366' })
    .min(1, { error: 'must be a whole number from 1 to 366' })
    .max(366, { error: 'must be a whole number from 1 to 366' })
    .default(30)
    .describe('days back from now'),
})

const ledgerLine = z.object({
  productId: z.string(),
  productName: z.string(),
  ruleKey: z.string(),
  destination: z.string().describe('"" for incidents that had no destination'),
  notifications: z.number().int(),
  sent: z.number().int(),
  incidents: z.number().int(),
  open: z.number().int(),
  medianAckMinutes: z.number().nullable(),
  medianResolveMinutes: z.number().nullable(),
  flapping: z.number().int().describe('incidents that resolved by themselves within 15 minutes, untouched'),
  flappingShare: z.number().nullable(),
  noiseScore: z.number(),
  tuneCandidate: z.boolean().describe('most incidents flapped: a rule to tune'),
})

export const ledgerAnswer = z.object({
  since: z.string(),
  days: z.number().int(),
  lines: z.array(ledgerLine).describe('the noisiest first'),
})

export const seriesQuery = z.object({
  granularity: z.enum(['day', 'week', 'month']).default('day'),
  from: z.string().optional().describe('first period, YYYY-MM-DD in the configured time zone'),
  to: z.string().optional().describe('last period, YYYY-MM-DD'),
})

export const pixelQuery = z.object({
  product: z.string().describe('the product used'),
  token: z.string().describe('a token with the ingest scope'),
  actor: z.string().optional().describe('who; default: the hashed pair of address and browser'),
  kind: z.string().optional().describe('default: view'),
  id: z.string().optional().describe("the client's id for the event"),
  source: z.string().optional().describe('default: pixel'),
})

// Answers.

export const errorAnswer = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
})

const errorInfo = z
  .object({ message: z.string(), code: z.string().optional(), stack: z.string().optional() })
  .nullable()

const status = z.enum(runStatuses)

export const listedRun = z.object({
  id: z.uuid(),
  pipelineId: z.string(),
  productId: z.string(),
  pipelineVersion: z.number().int(),
  status,
  trigger: z.enum(['schedule', 'manual', 'event', 'upstream', 'backfill']),
  partition: z.string().nullable(),
  backfillId: z.string().nullable(),
  error: errorInfo,
  costUsd: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  url: z.string(),
})

export const runPageAnswer = z.object({
  runs: z.array(listedRun),
  nextCursor: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
})

export const runAnswer = z.object({
  id: z.uuid(),
  pipelineId: z.string(),
  productId: z.string(),
  pipelineVersion: z.number().int(),
  status,
  trigger: z.string(),
  params: z.record(z.string(), z.unknown()),
  error: errorInfo,
  costUsd: z.number().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  steps: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      needs: z.array(z.string()),
      attempts: z.number().int(),
      maxAttempts: z.number().int(),
      output: z.unknown(),
      error: errorInfo,
      queuedAt: z.string().nullable(),
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
    }),
  ),
})

export const startedRunAnswer = z.object({
  runId: z.uuid(),
  status: z.literal('queued'),
  admitted: z.boolean().describe('false while the pipeline is at its maxConcurrentRuns'),
  url: z.string(),
})

export const cancelledRunAnswer = z.object({
  runId: z.uuid(),
  status: status.describe('cancelled at once when nothing ran; running until its running steps stop'),
  alreadyEnded: z.boolean().describe('the run had ended before: the cancel changed nothing'),
  url: z.string(),
})

export const retriedRunAnswer = z.object({
  runId: z.uuid().describe('the new run'),
  retryOf: z.uuid(),
  reused: z.array(z.string()).describe('steps whose outputs were taken from the failed run'),
  rerun: z.array(z.string()).describe('steps that run again'),
  url: z.string(),
})

export const startedBackfillAnswer = z.object({
  backfillId: z.uuid(),
  partitions: z.array(z.string()),
  url: z.string(),
})

export const backfillAnswer = z.object({
  id: z.uuid(),
  pipelineId: z.string(),
  status: z.string(),
  mode: z.string(),
  concurrency: z.number().int(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  total: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  cancelled: z.number().int(),
  running: z.number().int(),
  queued: z.number().int(),
  done: z.boolean(),
})

export const cancelledBackfillAnswer = z.object({
  backfillId: z.uuid(),
  cancelledRuns: z.number().int().describe('runs of the backfill stopped by this cancel'),
  url: z.string(),
})

export const scheduleAnswer = z.object({
  pipelineId: z.string(),
  paused: z.boolean(),
  pausedAt: z.string().nullable(),
  pausedBy: z.string().nullable(),
})

export const emittedEventAnswer = z.object({
  runs: z.array(z.object({ pipelineId: z.string(), runId: z.uuid(), created: z.boolean() })),
})

export const ackAnswer = z.object({ id: z.uuid(), ackedAt: z.string(), ackedBy: z.string() })
export const snoozeAnswer = z.object({ id: z.uuid(), snoozedUntil: z.string(), snoozedBy: z.string() })

export const usageBatchAnswer = z.object({
  accepted: z.number().int(),
  stored: z.number().int(),
  duplicates: z.array(z.number().int()).describe('indexes of events whose id was already stored'),
  rejected: z.array(z.object({ index: z.number().int(), field: z.string(), message: z.string() })),
})

export const usageSeriesAnswer = z.object({
  productId: z.string(),
  granularity: z.enum(['day', 'week', 'month']),
  timezone: z.string(),
  weekStartsOn: z.unknown(),
  periods: z.array(
    z.object({
      period: z.string(),
      events: z.record(z.string(), z.number()),
      totalEvents: z.number(),
      actors: z.number(),
      returningActors: z.number(),
      returningRatio: z.number().nullable(),
    }),
  ),
})

export const costSeriesAnswer = z.object({
  productId: z.string(),
  granularity: z.enum(['day', 'week', 'month']),
  timezone: z.string(),
  periods: z.array(
    z.object({
      period: z.string(),
      usd: z.number(),
      actors: z.number(),
      costPerActorUsd: z.number().nullable(),
    }),
  ),
  budget: z.record(z.string(), z.unknown()).describe('this month against the budget, with a forecast'),
})

export const healthAnswer = z.object({
  status: z.enum(['OKAY', 'ERROR']),
  checks: z.record(
    z.string(),
    z.object({ status: z.string(), latencyMs: z.number().optional(), error: z.string().optional() }),
  ),
})

export const slackAnswer = z.object({
  text: z.string().optional(),
  error: z.string().optional(),
  response_type: z.literal('ephemeral').optional(),
  replace_original: z.boolean().optional(),
})
