import { postgresJson } from '@steward/kernel'
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely'
import type { PublishedTablesTable, WarehouseConnectionsTable, WarehouseTables } from './schema-warehouse.ts'

/**
 * The one description of Steward's SQL schema as TypeScript sees it. Column names are the SQL
 * names (snake_case); migrations in ./migrations create exactly these tables.
 */

/** A jsonb column: read as T, written as a JSON string (see `json()`), because `pg` would send arrays as SQL arrays. */
export type Json<T> = ColumnType<T, string, string>
/** A jsonb column that may be null. */
export type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>
/** `numeric` comes back from `pg` as a string to keep its precision. */
export type Numeric = ColumnType<string, string | number, string | number>
export type NullableNumeric = ColumnType<
  string | null,
  string | number | null | undefined,
  string | number | null
>
/** A timestamptz with a database default. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>
export type Timestamp = ColumnType<Date, Date | string, Date | string>
export type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>

/**
 * Receivers besides Slack (issue 19): a webhook's or a PagerDuty service's name, whose URL, secret
 * or routing key each delivering process reads from its environment, and an address to e-mail.
 */
export interface ReceiverRefs {
  webhook?: string
  pagerduty?: string
  alertEmail?: string
}

/** Who answers for a product: a team or a person, and where Slack reaches them. */
export interface OwnerRef extends ReceiverRefs {
  team?: string
  name?: string
  /** Signed in with this e-mail, a person may run, cancel and acknowledge for the product. */
  email?: string
  /** `#channel`, a channel id (`C…`) or a user id (`U…`). */
  slack: string
  /** Slack user ids (`U…`) and user group ids (`S…`) the owners' alert messages mention. */
  mention?: string[]
  /** The lowest severity whose messages mention them (default `critical`). */
  mentionAt?: 'critical' | 'warning' | 'info'
}

export interface StakeholderRef extends ReceiverRefs {
  name: string
  slack?: string
}

export interface DocLink {
  title: string
  url: string
}

/** A step as deployed: what the runtime needs to schedule it, without its code. */
export interface StepSpec {
  id: string
  needs: string[]
  retries: number
  backoffType: 'fixed' | 'exponential'
  backoffMs: number
  timeoutMs: number | null
  /** sha256 of the step's `run` source: a code change makes a new pipeline version. */
  codeHash: string
  /** Tables the step reads and writes, when it declares any (absent otherwise, so hashes stay). */
  reads?: string[]
  writes?: string[]
}

/** A pipeline's partition scheme as deployed (see @steward/pipelines `dailyPartitions` and friends). */
export type PartitionSpec =
  | {
      readonly kind: 'time'
      readonly unit: 'hour' | 'day' | 'week' | 'month'
      readonly timezone: string
      readonly start: string
      readonly weekStartsOn:
        | 'sunday'
        | 'monday'
        | 'tuesday'
        | 'wednesday'
        | 'thursday'
        | 'friday'
        | 'saturday'
    }
  | { readonly kind: 'static'; readonly keys: readonly string[] }

export type BackfillStatus = 'running' | 'succeeded' | 'failed' | 'cancelled'
/** `all`: every partition in range; `only-failed`: those whose latest run failed; `only-missing`: those never succeeded. */
export type BackfillMode = 'all' | 'only-failed' | 'only-missing'

export interface ErrorInfo {
  message: string
  code?: string
  stack?: string
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled'
export type RunTrigger = 'schedule' | 'manual' | 'event' | 'upstream' | 'backfill'
export type StepRunStatus =
  | 'pending'
  | 'queued'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'skipped'
export type AttemptStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'cancelled'
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type CostKind = 'compute' | 'reported' | 'warehouse'

export interface ProductsTable {
  id: string
  name: string
  description: Generated<string>
  owners: Json<OwnerRef[]>
  stakeholders: Json<StakeholderRef[]>
  docs_path: string | null
  /** The markdown as deployed, so the web app renders docs without reading the data team's repo. */
  docs_markdown: string | null
  links: Json<DocLink[]>
  tier: string | null
  tags: ColumnType<string[], string[] | undefined, string[]>
  freshness_max_age_seconds: number | null
  budget_monthly_usd: NullableNumeric
  /** Product-level alert rules as deployed (freshness, budget, digest…); their shape is @steward/alerts'. */
  alert_rules: ColumnType<unknown[], string | undefined, string>
  definition_hash: string
  source_file: string | null
  created_at: CreatedAt
  updated_at: CreatedAt
  /** Set when the product disappears from code; its history stays. */
  archived_at: NullableTimestamp
}

export interface PipelinesTable {
  id: string
  product_id: string
  name: string
  description: Generated<string>
  definition_hash: string
  version: number
  schedule_cron: string | null
  schedule_timezone: string | null
  /** Set while people paused the schedule (UI, CLI, API); deploy never writes these three. */
  schedule_paused_at: NullableTimestamp
  /** Who paused it (the signed-in user, `cli`, an API token's name). */
  schedule_paused_by: ColumnType<string | null, string | null | undefined, string | null>
  /** The last pause or resume: fires before it are not counted as missed. */
  schedule_changed_at: NullableTimestamp
  triggers: Json<unknown[]>
  /** JSON Schema of the params, for the UI's run form and event validation. */
  params_schema: Json<Record<string, unknown>>
  steps: Json<StepSpec[]>
  max_concurrent_runs: number | null
  alert_rules: Json<unknown[]>
  partitions: NullableJson<PartitionSpec>
  source_file: string | null
  created_at: CreatedAt
  updated_at: CreatedAt
  archived_at: NullableTimestamp
}

export interface PipelineVersionsTable {
  pipeline_id: string
  version: number
  definition_hash: string
  definition: Json<Record<string, unknown>>
  deployed_at: CreatedAt
}

export interface RunsTable {
  id: string
  pipeline_id: string
  product_id: string
  pipeline_version: number
  status: RunStatus
  trigger: RunTrigger
  trigger_detail: NullableJson<Record<string, unknown>>
  params: Json<Record<string, unknown>>
  partition_key: string | null
  /** The backfill that created this run, if one did. */
  backfill_id: ColumnType<string | null, string | null | undefined, string | null>
  error: NullableJson<ErrorInfo>
  /** Total cost, stored when the run ends (compute + reported). */
  cost_usd: NullableNumeric
  created_at: CreatedAt
  started_at: NullableTimestamp
  finished_at: NullableTimestamp
  cancel_requested_at: NullableTimestamp
  /**
   * The run ended while some of its steps still ran (a sibling failed for good): true until the last
   * of them stops, so that the reconciler still watches their heartbeats.
   */
  draining: Generated<boolean>
}

export interface StepRunsTable {
  id: string
  run_id: string
  step_id: string
  status: StepRunStatus
  needs: ColumnType<string[], string[] | undefined, string[]>
  attempt_count: Generated<number>
  max_attempts: number
  output: NullableJson<unknown>
  error: NullableJson<ErrorInfo>
  queued_at: NullableTimestamp
  started_at: NullableTimestamp
  finished_at: NullableTimestamp
}

export interface AttemptsTable {
  id: string
  step_run_id: string
  run_id: string
  number: number
  status: AttemptStatus
  worker_id: string | null
  started_at: CreatedAt
  finished_at: NullableTimestamp
  error: NullableJson<ErrorInfo>
  /** Refreshed by the worker while the attempt runs; the reconciler fails attempts whose heartbeat stopped. */
  heartbeat_at: NullableTimestamp
}

export interface MetricsTable {
  id: Generated<string>
  run_id: string
  step_run_id: string | null
  attempt_id: string | null
  pipeline_id: string
  product_id: string
  name: string
  value: number
  labels: Json<Record<string, string>>
  recorded_at: CreatedAt
}

/** One label set a pipeline's metric has carried; `labels` is never `{}`. */
export interface MetricLabelSetsTable {
  pipeline_id: string
  metric: string
  labels: Json<Record<string, string>>
  first_seen_at: CreatedAt
}

export interface LogsTable {
  id: Generated<string>
  run_id: string
  step_run_id: string | null
  attempt_id: string | null
  level: LogLevel
  message: string
  fields: NullableJson<Record<string, unknown>>
  at: CreatedAt
}

export interface CostEntriesTable {
  id: Generated<string>
  run_id: string | null
  step_run_id: string | null
  /** The attempt that spent it (compute is measured per attempt); null for costs not tied to one. */
  attempt_id: string | null
  pipeline_id: string | null
  product_id: string
  kind: CostKind
  item: string
  usd: Numeric
  quantity: number | null
  unit: string | null
  at: CreatedAt
}

export interface BackfillsTable {
  id: string
  pipeline_id: string
  status: ColumnType<BackfillStatus, BackfillStatus | undefined, BackfillStatus>
  range_from: string | null
  range_to: string | null
  mode: ColumnType<BackfillMode, BackfillMode | undefined, BackfillMode>
  /** Runs of this backfill allowed at once. */
  concurrency: number
  with_downstream: Generated<boolean>
  /** The backfill that cascaded into this one (`--with-downstream`). */
  parent_id: string | null
  partition_count: Generated<number>
  created_at: CreatedAt
  finished_at: NullableTimestamp
  cancel_requested_at: NullableTimestamp
}

export type UsageGrain = 'day' | 'week' | 'month'
export type WeekStart = 'monday' | 'sunday'
/** `ingest` usage events; `read` series, costs, runs; `operate` start runs, backfills, events, ack incidents. */
export type TokenScope = 'ingest' | 'read' | 'operate'
/** A `date` column: `pg` reads it as a Date at local midnight, so queries cast it to text (YYYY-MM-DD). */
export type DateColumn = ColumnType<string, string, string>

/** The one row of usage settings: the time zone and week start rollups are counted in. */
export interface UsageSettingsTable {
  id: Generated<boolean>
  timezone: string
  week_starts_on: WeekStart
  updated_at: CreatedAt
}

/** One use of a product. `actor_hash` is HMAC-SHA256(salt, actor) in hex: the raw id is never stored. */
export interface UsageEventsTable {
  id: Generated<string>
  product_id: string
  kind: string
  actor_hash: string
  at: Timestamp
  source: string | null
  /** Who delivered it: `token:<api token id>` or `web`; `client_id` is unique per origin. */
  origin: string
  client_id: string | null
  meta: NullableJson<Record<string, unknown>>
  received_at: CreatedAt
}

/** An event stored in `usage_events` and not yet counted in the rollups (see foldPendingUsage). */
export interface UsagePendingTable {
  product_id: string
  kind: string
  actor_hash: string
  at: Timestamp
  queued_at: CreatedAt
}

export interface UsageDailyTable {
  product_id: string
  day: DateColumn
  kind: string
  events: ColumnType<string, string | number, string | number>
}

export interface UsagePeriodActorsTable {
  product_id: string
  grain: UsageGrain
  period: DateColumn
  actor_hash: string
}

export interface UsagePeriodUniquesTable {
  product_id: string
  grain: UsageGrain
  period: DateColumn
  actors: number
}

export interface UsageActorLastSeenTable {
  product_id: string
  actor_hash: string
  last_day: DateColumn
  prev_day: ColumnType<string | null, string | null | undefined, string | null>
}

export interface UsageLastSeenDaysTable {
  product_id: string
  day: DateColumn
  actors: number
}

/** A team name an owner gave a hashed actor, shown in top consumers. */
export interface ActorLabelsTable {
  actor_hash: string
  label: string
  updated_at: CreatedAt
}

/** A bearer token for the usage API; only its sha256 is stored. */
export interface ApiTokensTable {
  id: string
  name: string
  token_hash: string
  scopes: ColumnType<TokenScope[], TokenScope[], TokenScope[]>
  /** The products the token may act on or read; null for every product. */
  product_ids: ColumnType<string[] | null, string[] | null | undefined, string[] | null>
  created_at: CreatedAt
  last_used_at: NullableTimestamp
  revoked_at: NullableTimestamp
}

/** Who did something: a signed-in user, an API token, a Slack user, the CLI, or the open local UI. */
export type AuditActorKind = 'user' | 'token' | 'slack' | 'cli' | 'local'

/** One action that changed something (packages/db/src/audit). Inserted, never updated. */
export interface AuditLogTable {
  id: ColumnType<string, never, never>
  at: CreatedAt
  actor_kind: AuditActorKind
  /** An e-mail, a token's name, a Slack user (`U123 (ana)`), an OS user (`ana@host`). */
  actor: string
  /** The door: `api`, `ui`, `cli`, `slack`. */
  via: string
  /** Where from: the client's address, or the CLI's `host pid 123`. */
  source: string | null
  /** `run.start`, `run.cancel`, `token.create`… (`AuditAction`). */
  action: string
  target_kind: string
  target_id: string
  product_id: string | null
  details: Json<Record<string, unknown>>
}

/** Cost per product and local day (sum the shards), kept by a trigger on `cost_entries`. */
export interface CostDailyTable {
  product_id: string
  day: DateColumn
  /** Concurrent writers add to different rows of one day; readers sum them. */
  shard: Generated<number>
  usd: Numeric
}

export type IncidentStatus = 'open' | 'resolved'
/** `update`: an edit of an incident's first message in one channel (acknowledged, snoozed). */
export type NotificationKind =
  | 'first'
  | 'follow_up'
  | 'resolved'
  | 'reminder'
  | 'digest'
  | 'delivery_problem'
  | 'update'
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'not_sent_no_token'

/** A Slack message as rendered: fallback text plus Block Kit blocks. */
export interface SlackPayload {
  text: string
  blocks: unknown[]
}

/** One firing of an alert rule for one subject (a product, pipeline or step); repeats update it. */
export interface IncidentsTable {
  id: string
  /** Stable across deploys: `<scope>:<kind>[:<name>]`, see @steward/alerts `ruleKey`. */
  rule_key: string
  rule_kind: string
  /** What the rule fired about, e.g. `pipeline:churn.score` or `pipeline:x/step:extract`. */
  subject_key: string
  product_id: string
  pipeline_id: string | null
  step_id: string | null
  severity: string
  title: string
  detail: Generated<string>
  runbook: string | null
  /** Slack destinations it is announced to, resolved when it opened. */
  destinations: ColumnType<string[], string[] | undefined, string[]>
  /** The destinations among `destinations` that get the stakeholders' plain message. */
  stakeholder_destinations: ColumnType<string[], string[] | undefined, string[]>
  /** Whom the owners' message mentions: Slack user ids (`U…`, `W…`) and user group ids (`S…`). */
  mentions: ColumnType<string[], string[] | undefined, string[]>
  /** The newest successful run of its pipeline (or product) before it opened, for stakeholders. */
  last_good_at: NullableTimestamp
  status: IncidentStatus
  fire_count: Generated<number>
  opened_at: Timestamp
  last_fired_at: Timestamp
  resolved_at: NullableTimestamp
  resolved_reason: string | null
  acked_at: NullableTimestamp
  acked_by: string | null
  snoozed_until: NullableTimestamp
  snoozed_by: string | null
  remind_every_seconds: number | null
  last_reminded_at: NullableTimestamp
}

/**
 * The Slack outbox: a row is committed with the incident change that caused it, then delivered by
 * the delivery loop. `slack_ts` set means Slack has it: a row is never posted twice.
 */
export interface NotificationsTable {
  id: Generated<string>
  destination: string
  product_id: string
  rule_key: string
  incident_id: string | null
  kind: NotificationKind
  payload: Json<SlackPayload>
  status: NotificationStatus
  attempts: Generated<number>
  last_error: string | null
  /** The channel id Slack answered with (needed by chat.update). */
  slack_channel: string | null
  slack_ts: string | null
  /** For replies: the first message's ts. */
  thread_ts: string | null
  /** For `resolved`: when the first message was updated (so a retry only replies). */
  first_updated_at: NullableTimestamp
  created_at: Timestamp
  sent_at: NullableTimestamp
}

/** Pacing per Slack destination; the delivery loop leases a row while it sends. */
export interface AlertChannelsTable {
  destination: string
  next_send_at: Timestamp
  /** A new top-level message waits until then, and takes every first message pending by then. */
  group_until: NullableTimestamp
  lease_owner: string | null
  lease_until: NullableTimestamp
  last_sent_at: NullableTimestamp
  /** Why Slack refused this destination for good (`channel_not_found`…), until a message gets through. */
  refused_reason: string | null
  refused_at: NullableTimestamp
}

export interface AlertCursorsTable {
  name: string
  position: Timestamp
}

/** A process that can send to Slack (it has Slack settings): beats while it runs, closed when it stops. */
export interface AlertSendersTable {
  id: string
  started_at: Generated<Date>
  seen_at: Generated<Date>
  closed_at: NullableTimestamp
}

export interface AlertEvaluatedRunsTable {
  run_id: string
  finished_at: Timestamp
}

/**
 * One `steward dev` reload loop (migration 0016), keyed by the project folder: what the web UI's
 * banner shows while the last save did not load.
 */
export interface DevLoopsTable {
  project_root: string
  /** When the project last validated, deployed and reloaded cleanly. */
  last_good_at: NullableTimestamp
  /** The first problem of the last save, one line; null while it loaded. */
  problem: string | null
  /** Relative to the project folder. */
  problem_file: string | null
  problem_line: number | null
  /** How many problems the save had (the first is shown). */
  problem_count: Generated<number>
  updated_at: CreatedAt
}

export interface Database extends WarehouseTables {
  products: ProductsTable
  pipelines: PipelinesTable
  pipeline_versions: PipelineVersionsTable
  runs: RunsTable
  step_runs: StepRunsTable
  attempts: AttemptsTable
  metrics: MetricsTable
  metric_label_sets: MetricLabelSetsTable
  logs: LogsTable
  cost_entries: CostEntriesTable
  backfills: BackfillsTable
  usage_settings: UsageSettingsTable
  usage_events: UsageEventsTable
  usage_pending: UsagePendingTable
  usage_daily: UsageDailyTable
  usage_period_actors: UsagePeriodActorsTable
  usage_period_uniques: UsagePeriodUniquesTable
  usage_actor_last_seen: UsageActorLastSeenTable
  usage_last_seen_days: UsageLastSeenDaysTable
  actor_labels: ActorLabelsTable
  api_tokens: ApiTokensTable
  audit_log: AuditLogTable
  cost_daily: CostDailyTable
  incidents: IncidentsTable
  notifications: NotificationsTable
  alert_channels: AlertChannelsTable
  alert_cursors: AlertCursorsTable
  alert_evaluated_runs: AlertEvaluatedRunsTable
  alert_senders: AlertSendersTable
  dev_loops: DevLoopsTable
}

export type Product = Selectable<ProductsTable>
export type WarehouseConnection = Selectable<WarehouseConnectionsTable>
export type PublishedTable = Selectable<PublishedTablesTable>
export type NewProduct = Insertable<ProductsTable>
export type ProductUpdate = Updateable<ProductsTable>
export type Pipeline = Selectable<PipelinesTable>
export type NewPipeline = Insertable<PipelinesTable>
export type Run = Selectable<RunsTable>
export type NewRun = Insertable<RunsTable>
export type StepRun = Selectable<StepRunsTable>
export type Attempt = Selectable<AttemptsTable>
export type Metric = Selectable<MetricsTable>
export type LogLine = Selectable<LogsTable>
export type CostEntry = Selectable<CostEntriesTable>
export type Backfill = Selectable<BackfillsTable>
export type ApiToken = Selectable<ApiTokensTable>
export type AuditRow = Selectable<AuditLogTable>
export type UsageEvent = Selectable<UsageEventsTable>
export type Incident = Selectable<IncidentsTable>
export type DevLoop = Selectable<DevLoopsTable>
export type Notification = Selectable<NotificationsTable>

/**
 * Serialise a value for a jsonb column, NUL and lone surrogates in its strings and keys replaced
 * by U+FFFD (`postgresJson`): jsonb refuses them, and the value often comes from data.
 */
export function json<T>(value: T): string {
  return postgresJson(value)
}
