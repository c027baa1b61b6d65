import { usageEventSchema } from '@steward/usage'
import type { z } from 'zod'
import { bodyLimits } from '../body-limits.ts'
import {
  ackAnswer,
  ackIncidentBody,
  auditAnswer,
  auditQuery,
  backfillAnswer,
  cancelledBackfillAnswer,
  cancelledRunAnswer,
  costSeriesAnswer,
  emitEventBody,
  emittedEventAnswer,
  errorAnswer,
  healthAnswer,
  ledgerAnswer,
  ledgerQuery,
  lineageAnswer,
  lineageQuery,
  listRunsQuery,
  pixelQuery,
  retriedRunAnswer,
  runAnswer,
  runPageAnswer,
  scheduleAnswer,
  seriesQuery,
  slackAnswer,
  slackInteractionBody,
  snoozeAnswer,
  snoozeIncidentBody,
  startBackfillBody,
  startedBackfillAnswer,
  startedRunAnswer,
  startRunBody,
  usageBatchAnswer,
  usageBatchBody,
  usageSeriesAnswer,
} from '../schemas.ts'

/** Who may call a route: a token scope (or a signed-in browser), or something of its own. */
export type ApiAuth = 'open' | 'read' | 'operate' | 'ingest' | 'metrics' | 'slack'

export interface ApiAnswer {
  description: string
  schema?: z.ZodType
  /** `application/json` unless said. */
  contentType?: string
}

/** One route and method of the HTTP API, as `GET /api/v1/openapi.json` and the reference page show it. */
export interface ApiOperation {
  method: 'GET' | 'POST'
  /** OpenAPI's form: `/api/v1/runs/{id}`. */
  path: string
  tag: string
  summary: string
  description?: string
  auth: ApiAuth
  /** Path parameters by name, with what they name. */
  pathParams?: Record<string, string>
  query?: z.ZodObject
  /** The body's schema, its limit in bytes, and its media type (`application/json` unless said). */
  body?: { schema: z.ZodType; limit: number; required?: boolean; contentType?: string }
  answers: Record<number, ApiAnswer>
}

const error = (description: string): ApiAnswer => ({ description, schema: errorAnswer })
const pathInvalid = error(
  'PATH_INVALID: the id in the path cannot be any record’s (control characters, too long)',
)
const bodyInvalid = error('BODY_INVALID: the body is not JSON, nests too deep, or a field is wrong (named)')
const tooLarge = error('BODY_TOO_LARGE: the body is past the route’s limit')

/** What a route can refuse, by what it takes and who calls it (see `errorAnswers`). */
interface Refusals {
  /**
   * Who can be turned away (401, 403): `person` for routes a signed-in browser may call too
   * (UNAUTHENTICATED, TOKEN_INVALID; TOKEN_SCOPE, FORBIDDEN), `token` for routes only a token may.
   */
  caller: 'person' | 'token'
  /** 403's description, or `false` for a route that answers no 403; the caller's default if unset. */
  forbidden?: string | false
  /** An id in the path: 400 PATH_INVALID. */
  pathId?: boolean
  /** A JSON body: 400 BODY_INVALID and 413 BODY_TOO_LARGE. */
  body?: boolean
  /** 400's description, when the route says more than PATH_INVALID or BODY_INVALID. */
  invalid?: string
  /** 404's description: the codes, e.g. `RUN_NOT_FOUND`. */
  notFound?: string
}

/**
 * The error answers (400, 401, 403, 404, 413) a route shares with others of its kind; its own
 * answers (its success, a 409) are spread beside them.
 */
function errorAnswers(refusals: Refusals): Record<number, ApiAnswer> {
  const person = refusals.caller === 'person'
  const answers: Record<number, ApiAnswer> = {}
  if (refusals.invalid !== undefined) answers[400] = error(refusals.invalid)
  else if (refusals.body) answers[400] = bodyInvalid
  else if (refusals.pathId) answers[400] = pathInvalid
  answers[401] = person
    ? error('UNAUTHENTICATED or TOKEN_INVALID: no identity (only when sign-in is set up)')
    : error('TOKEN_INVALID or TOKEN_REVOKED')
  const forbidden =
    refusals.forbidden ??
    (person
      ? 'TOKEN_SCOPE or FORBIDDEN: the token lacks the scope, or the viewer owns no such product'
      : 'TOKEN_SCOPE')
  if (forbidden !== false) answers[403] = error(forbidden)
  if (refusals.notFound !== undefined) answers[404] = error(refusals.notFound)
  if (refusals.body) answers[413] = tooLarge
  return answers
}
const json = bodyLimits.json

/**
 * Every route of the HTTP API. A test (`apps/web/test/openapi.test.ts`) checks that each one has
 * its route file under `src/app/api` and that each route file's methods are here.
 */
export const apiOperations: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/api/v1/runs',
    tag: 'runs',
    summary: 'List runs, newest first',
    description:
      'Filtered by pipeline, product, status and creation time, one page at a time: follow `nextCursor` for the next page. Each run comes once, in a stable order, however many start meanwhile.',
    auth: 'read',
    query: listRunsQuery,
    answers: {
      200: { description: 'a page of runs', schema: runPageAnswer },
      ...errorAnswers({ caller: 'person', invalid: 'QUERY_INVALID: a parameter is wrong (named)' }),
    },
  },
  {
    method: 'GET',
    path: '/api/v1/runs/{id}',
    tag: 'runs',
    summary: 'A run with its steps',
    description: "The run's status, params, error, cost and timings, and each step's attempts and output.",
    auth: 'read',
    pathParams: { id: 'the run id (a uuid)' },
    answers: {
      200: { description: 'the run', schema: runAnswer },
      ...errorAnswers({ caller: 'person', forbidden: false, pathId: true, notFound: 'RUN_NOT_FOUND' }),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/runs/{id}/cancel',
    tag: 'runs',
    summary: 'Cancel a run',
    description:
      'Pending and queued steps are cancelled at once; running steps see `ctx.signal` abort within a heartbeat. A run that already ended keeps its status.',
    auth: 'operate',
    pathParams: { id: 'the run id (a uuid)' },
    answers: {
      200: { description: 'the run’s status after the cancel', schema: cancelledRunAnswer },
      ...errorAnswers({ caller: 'person', pathId: true, notFound: 'RUN_NOT_FOUND' }),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/runs/{id}/retry',
    tag: 'runs',
    summary: 'Retry a run from its failed steps',
    description:
      'Starts a new run with the same params; the steps that succeeded (and did not change in code since) keep their outputs, the others run again.',
    auth: 'operate',
    pathParams: { id: 'the failed or cancelled run (a uuid)' },
    answers: {
      201: { description: 'the new run', schema: retriedRunAnswer },
      ...errorAnswers({ caller: 'person', pathId: true, notFound: 'RUN_NOT_FOUND' }),
      409: error('RUN_NOT_RETRYABLE (the run did not fail), PIPELINE_BUSY or PIPELINE_ARCHIVED'),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/pipelines/{id}/runs',
    tag: 'runs',
    summary: 'Start a manual run',
    description: 'The run exists in SQL before its first job is queued.',
    auth: 'operate',
    pathParams: { id: 'the pipeline id, e.g. churn.score' },
    body: { schema: startRunBody, limit: json },
    answers: {
      201: { description: 'the run, queued', schema: startedRunAnswer },
      ...errorAnswers({
        caller: 'person',
        body: true,
        invalid: 'BODY_INVALID, PARAMS_INVALID (the param is named), PARTITION_INVALID or PARTITION_REQUIRED',
        notFound: 'PIPELINE_NOT_FOUND',
      }),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/pipelines/{id}/backfills',
    tag: 'backfills',
    summary: 'Start a backfill',
    description: 'One run per partition from `from` to `to` (both included), `concurrency` at a time.',
    auth: 'operate',
    pathParams: { id: 'the pipeline id' },
    body: { schema: startBackfillBody, limit: json },
    answers: {
      201: { description: 'the backfill and its partitions', schema: startedBackfillAnswer },
      ...errorAnswers({
        caller: 'person',
        body: true,
        invalid: 'BODY_INVALID or BACKFILL_INVALID (the field is named)',
        notFound: 'PIPELINE_NOT_FOUND',
      }),
    },
  },
  {
    method: 'GET',
    path: '/api/v1/backfills/{id}',
    tag: 'backfills',
    summary: 'A backfill’s progress',
    auth: 'read',
    pathParams: { id: 'the backfill id (a uuid)' },
    answers: {
      200: { description: 'its counts by status', schema: backfillAnswer },
      ...errorAnswers({ caller: 'person', forbidden: false, pathId: true, notFound: 'BACKFILL_NOT_FOUND' }),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/backfills/{id}/cancel',
    tag: 'backfills',
    summary: 'Cancel a backfill',
    description:
      'No more of its runs start, and every run of it (and of its cascaded children) not yet ended is cancelled.',
    auth: 'operate',
    pathParams: { id: 'the backfill id (a uuid)' },
    answers: {
      200: { description: 'how many runs it stopped', schema: cancelledBackfillAnswer },
      ...errorAnswers({ caller: 'person', pathId: true, notFound: 'BACKFILL_NOT_FOUND' }),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/pipelines/{id}/schedule/pause',
    tag: 'schedules',
    summary: 'Pause a pipeline’s schedule',
    description:
      'A paused schedule starts no run; the pause holds across deploys. Pausing a paused schedule changes nothing.',
    auth: 'operate',
    pathParams: { id: 'the pipeline id' },
    answers: {
      200: { description: 'the schedule’s state', schema: scheduleAnswer },
      ...errorAnswers({ caller: 'person', notFound: 'PIPELINE_NOT_FOUND or SCHEDULE_NOT_FOUND' }),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/pipelines/{id}/schedule/resume',
    tag: 'schedules',
    summary: 'Resume a paused schedule',
    description: 'From its next fire time; missed fire times are not made up.',
    auth: 'operate',
    pathParams: { id: 'the pipeline id' },
    answers: {
      200: { description: 'the schedule’s state', schema: scheduleAnswer },
      ...errorAnswers({ caller: 'person', notFound: 'PIPELINE_NOT_FOUND or SCHEDULE_NOT_FOUND' }),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/events/{name}',
    tag: 'runs',
    summary: 'Send an event',
    description:
      'Starts a run of every pipeline that listens to it (`onEvent`). The same `id` again starts nothing new.',
    auth: 'operate',
    pathParams: { name: 'the event name' },
    body: { schema: emitEventBody, limit: json },
    answers: {
      202: { description: 'the runs it started (or found, for a repeated id)', schema: emittedEventAnswer },
      ...errorAnswers({
        caller: 'person',
        body: true,
        invalid: 'BODY_INVALID or PARAMS_INVALID for a listener (nothing starts)',
        notFound: 'NO_LISTENER: no deployed pipeline listens to it',
      }),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/incidents/{id}/ack',
    tag: 'incidents',
    summary: 'Acknowledge an incident',
    description: 'No more reminders.',
    auth: 'operate',
    pathParams: { id: 'the incident id (a uuid)' },
    body: { schema: ackIncidentBody, limit: json },
    answers: {
      200: { description: 'who acknowledged it, and when', schema: ackAnswer },
      ...errorAnswers({ caller: 'person', body: true, notFound: 'INCIDENT_NOT_FOUND: no open incident' }),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/incidents/{id}/snooze',
    tag: 'incidents',
    summary: 'Snooze an incident',
    description: 'No follow-ups or reminders until then (`for` or `until`); its resolution still shows.',
    auth: 'operate',
    pathParams: { id: 'the incident id (a uuid)' },
    body: { schema: snoozeIncidentBody, limit: json, required: true },
    answers: {
      200: { description: 'until when, and by whom', schema: snoozeAnswer },
      ...errorAnswers({ caller: 'person', body: true, notFound: 'INCIDENT_NOT_FOUND: no open incident' }),
    },
  },
  {
    method: 'POST',
    path: '/api/v1/usage/events',
    tag: 'usage',
    summary: 'Record usage events',
    description: `At most 1,000 events (each: ${Object.keys(usageEventSchema.shape).join(', ')}; see the UsageEvent schema). Valid events are stored even when others are refused (207); \`id\` makes retries count once.`,
    auth: 'ingest',
    body: { schema: usageBatchBody, limit: bodyLimits.usageBatch, required: true },
    answers: {
      200: { description: 'every event accepted', schema: usageBatchAnswer },
      207: { description: 'some events accepted; the refused ones in `rejected`', schema: usageBatchAnswer },
      ...errorAnswers({
        caller: 'token',
        forbidden: 'TOKEN_SCOPE: the token lacks the ingest scope',
        body: true,
        invalid: 'no event accepted (with `rejected`), or the body is not a batch',
      }),
    },
  },
  {
    method: 'GET',
    path: '/api/v1/usage/pixel',
    tag: 'usage',
    summary: 'Record one usage event from an image',
    description:
      'For dashboards that can embed an image but not call an API. Always a 1×1 GIF; a refused event gets a 4xx status and the reason in `X-Steward-Error`.',
    auth: 'ingest',
    query: pixelQuery,
    answers: {
      200: { description: 'counted', contentType: 'image/gif' },
      400: { description: 'refused: the reason is in X-Steward-Error', contentType: 'image/gif' },
      401: { description: 'no valid ingest token', contentType: 'image/gif' },
      503: { description: 'the event could not be stored', contentType: 'image/gif' },
    },
  },
  {
    method: 'GET',
    path: '/api/v1/products/{id}/usage',
    tag: 'usage',
    summary: 'A product’s usage by period',
    auth: 'read',
    pathParams: { id: 'the product id' },
    query: seriesQuery,
    answers: {
      200: { description: 'events and actors per period', schema: usageSeriesAnswer },
      ...errorAnswers({
        caller: 'token',
        invalid: 'PATH_INVALID or USAGE_QUERY_INVALID',
        notFound: 'PRODUCT_NOT_FOUND',
      }),
    },
  },
  {
    method: 'GET',
    path: '/api/v1/products/{id}/cost',
    tag: 'usage',
    summary: 'A product’s cost by period, against its budget',
    auth: 'read',
    pathParams: { id: 'the product id' },
    query: seriesQuery,
    answers: {
      200: {
        description: 'cost per period and per active user, and the month’s budget',
        schema: costSeriesAnswer,
      },
      ...errorAnswers({
        caller: 'token',
        invalid: 'PATH_INVALID or USAGE_QUERY_INVALID',
        notFound: 'PRODUCT_NOT_FOUND',
      }),
    },
  },
  {
    method: 'GET',
    path: '/api/v1/alerts/ledger',
    tag: 'alerts',
    summary: 'The alert ledger: what each rule’s messages were worth',
    description:
      'Per product, rule and destination over the last `days`: messages sent, incidents, median minutes to acknowledge and to resolve, the share that flapped (resolved by itself within 15 minutes, untouched) and the noise score.',
    auth: 'read',
    query: ledgerQuery,
    answers: {
      200: { description: 'the ledger lines, noisiest first', schema: ledgerAnswer },
      ...errorAnswers({
        caller: 'token',
        invalid: 'QUERY_INVALID: `days` or `product` is wrong (named)',
        notFound: 'PRODUCT_NOT_FOUND',
      }),
    },
  },
  {
    method: 'GET',
    path: '/api/v1/audit',
    tag: 'audit',
    summary: 'The audit log: who changed what, when, from where',
    description:
      'Every action that changed something (deploys, runs, cancels, retries, backfills, acknowledgements, snoozes, schedule pauses, tokens, consumer labels), newest first. A token limited to products sees only their rows.',
    auth: 'read',
    query: auditQuery,
    answers: {
      200: { description: 'a page of entries, newest first', schema: auditAnswer },
      ...errorAnswers({ caller: 'token', invalid: 'QUERY_INVALID: a filter is wrong (named)' }),
    },
  },
  {
    method: 'GET',
    path: '/api/v1/lineage',
    tag: 'catalog',
    summary: 'Lineage: products, their tables and the pipelines between them',
    description:
      'Nodes coloured by status (a pipeline by its newest run, a product by freshness and open incidents, a table by its newest observation), each marked when something upstream is failing or stale.',
    auth: 'read',
    query: lineageQuery,
    answers: {
      200: { description: 'the graph, every edge pointing downstream', schema: lineageAnswer },
      ...errorAnswers({
        caller: 'token',
        forbidden: 'TOKEN_SCOPE, or TOKEN_PRODUCT for a token limited to products',
        invalid: 'QUERY_INVALID: `product` is empty, too long or repeated',
        notFound: 'PRODUCT_NOT_FOUND',
      }),
    },
  },
  {
    method: 'GET',
    path: '/api/v1/openapi.json',
    tag: 'reference',
    summary: 'This document',
    description:
      'OpenAPI 3.1, generated from the schemas the routes validate with. Readable at /api-reference.',
    auth: 'open',
    answers: { 200: { description: 'the OpenAPI document' } },
  },
  {
    method: 'GET',
    path: '/api/health',
    tag: 'operations',
    summary: 'Health of the database, the queue and the schedules',
    description:
      'For load balancers: 503 when a dependency did not answer in time, each failing check naming why.',
    auth: 'open',
    answers: {
      200: { description: 'every check passed', schema: healthAnswer },
      503: { description: 'a check failed', schema: healthAnswer },
    },
  },
  {
    method: 'GET',
    path: '/api/metrics',
    tag: 'operations',
    summary: 'Prometheus metrics',
    description: 'Open, or only with `Authorization: Bearer $STEWARD_METRICS_TOKEN` when that is set.',
    auth: 'metrics',
    answers: {
      200: { description: 'the figures in Prometheus’s text format', contentType: 'text/plain' },
      401: { description: 'STEWARD_METRICS_TOKEN is set and was not sent', contentType: 'text/plain' },
      503: { description: 'the database did not answer', contentType: 'text/plain' },
    },
  },
  {
    method: 'POST',
    path: '/api/slack/interactivity',
    tag: 'operations',
    summary: 'Slack’s callback for alert buttons',
    description: 'Signed by Slack (SLACK_SIGNING_SECRET, v0 signature, a timestamp within five minutes).',
    auth: 'slack',
    body: {
      schema: slackInteractionBody,
      limit: bodyLimits.slack,
      required: true,
      contentType: 'application/x-www-form-urlencoded',
    },
    answers: {
      200: { description: 'the acknowledgement or snooze was recorded', schema: slackAnswer },
      400: { description: 'the payload is not JSON', schema: slackAnswer },
      401: { description: 'the signature or timestamp is wrong', schema: slackAnswer },
      413: tooLarge,
    },
  },
]
