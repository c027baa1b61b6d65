import { describeReceivers, type SlackSettings, startAlerts } from '@steward/alerts'
import type { ReceiverSettings, RetentionSettings, Settings } from '@steward/config'
import type { StewardDb } from '@steward/db'
import {
  type ConnectionEnvironment,
  type InboxWatcher,
  openRuntimeQueue,
  type Project,
  type RuntimeWorker,
  type ScheduleSpec,
  startTableObserver,
  startWorker,
  syncSchedules,
  WarehousePools,
  watchInboxes,
} from '@steward/engine'
import { redactUrl } from '@steward/kernel'
import { describeQueueBackend, pingRedis, type QueueBackend, queueSchema } from '@steward/queue'
import { resolveCostModel } from '@steward/usage'
import { cliError } from '../errors.ts'
import { withDevQueueChoice } from '../home/dev-queue-choice.ts'
import { startPruning } from '../retention/start-pruning.ts'

/** Where the runtime's queue lives: the backend (STEWARD_QUEUE) and the prefix (STEWARD_QUEUE_PREFIX). */
export interface QueueTarget {
  backend: QueueBackend
  prefix: string
}

/**
 * The queue the settings choose: Redis at REDIS_URL, or BullMQ's PostgreSQL backend in Steward's
 * own database (DATABASE_URL, or the embedded database's URL), which needs no Redis at all. With
 * STEWARD_QUEUE unset, the queue a running `steward dev` picked on this STEWARD_HOME.
 */
export async function queueTargetFor(given: Settings, db: StewardDb): Promise<QueueTarget> {
  const settings = await withDevQueueChoice(given)
  const backend: QueueBackend =
    settings.queue === 'postgres'
      ? { kind: 'postgres', url: db.url }
      : { kind: 'redis', url: settings.redisUrl }
  return { backend, prefix: settings.queuePrefix }
}

/** One line naming the queue backend, for logs and the banner (the embedded database by name). */
export function describeQueue(target: QueueTarget, db: StewardDb): string {
  if (target.backend.kind === 'postgres' && db.url === target.backend.url) {
    return `postgres, schema ${queueSchema(target.prefix)} in the database (${db.displayUrl})`
  }
  return describeQueueBackend(target.backend, target.prefix)
}

/** Fails in one line when the queue's service does not answer. PostgreSQL is the database: already open. */
export async function assertQueueAnswers(target: QueueTarget): Promise<void> {
  if (target.backend.kind === 'redis')
    await assertRedisAnswers(target.backend.url, redactUrl(target.backend.url))
}

/** Makes BullMQ's job schedulers match the deployed schedules (and removes the others). */
export async function syncProjectSchedules(
  target: QueueTarget,
  schedules: readonly ScheduleSpec[],
  log: (line: string) => void,
): Promise<void> {
  const queue = openRuntimeQueue(target)
  try {
    const synced = await syncSchedules(queue, [...schedules])
    log(`schedules: ${synced.upserted.length} active, ${synced.removed.length} removed`)
  } finally {
    await queue.close()
  }
}

/** Fails in one line naming REDIS_URL when nothing answers there. */
export async function assertRedisAnswers(redisUrl: string, shownUrl: string): Promise<void> {
  const ping = await pingRedis(redisUrl)
  if (!ping.ok) {
    throw cliError(
      'REDIS_UNREACHABLE',
      `Redis does not answer at ${shownUrl} (${ping.reason}): start it, or set REDIS_URL`,
    )
  }
}

/** The settings that tell a lost worker from a busy one (STEWARD_HEARTBEAT_TIMEOUT, STEWARD_LOST_STEP_RETRY_DELAY). */
export type WorkerLossSettings = Pick<Settings, 'heartbeatTimeoutMs' | 'lostStepRetryDelayMs'>

/**
 * Starts a worker for the project's pipelines in this process, priced with the project's cost
 * rates. Its heartbeats come from a thread with its own connection to `db.url`.
 */
export async function startProjectWorker(
  db: StewardDb,
  target: QueueTarget,
  project: Project,
  options: {
    concurrency: number
    log: (line: string) => void
    workerLoss: WorkerLossSettings
    /** The process's warehouse pools, for `ctx.sql`. */
    warehouses?: WarehousePools
  },
): Promise<RuntimeWorker> {
  return startWorker({
    db: db.db,
    databaseUrl: db.url,
    reconcile: {
      staleAfterMs: options.workerLoss.heartbeatTimeoutMs,
      lostStepRetryDelayMs: options.workerLoss.lostStepRetryDelayMs,
    },
    backend: target.backend,
    prefix: target.prefix,
    project,
    concurrency: options.concurrency,
    // The project's rates over the documented defaults (docs/cost-model.md).
    costRates: resolveCostModel(project.config.costs),
    ...(project.config.defaults?.metricLabelSets === undefined
      ? {}
      : { metricLabelSets: project.config.defaults.metricLabelSets }),
    ...(options.warehouses
      ? {
          warehouses: {
            pools: options.warehouses,
            ...(project.config.costs?.warehouseHourUsd === undefined
              ? {}
              : { warehouseHourUsd: project.config.costs.warehouseHourUsd }),
          },
        }
      : {}),
    onError: (error) => options.log(`worker: ${error instanceof Error ? error.message : String(error)}`),
  })
}

/**
 * A worker, the watcher of the file inboxes (`onFile` triggers) under `inboxRoot`, and the alert
 * evaluator with its Slack delivery, stopped together: the watcher first, so no new run starts
 * while the worker finishes its steps, and alerts last, so the last failures still reach Slack.
 */
export async function startProjectRuntime(
  db: StewardDb,
  target: QueueTarget,
  project: Project,
  options: {
    concurrency: number
    workerLoss: WorkerLossSettings
    inboxRoot: string
    log: (line: string) => void
    slack: SlackSettings
    /** Webhooks, PagerDuty and SMTP this process delivers to (STEWARD_WEBHOOK_*, STEWARD_PAGERDUTY_*, STEWARD_SMTP_URL). */
    receivers?: ReceiverSettings
    webUrl?: string
    /** Prune history older than these ages in the background (retention/start-pruning.ts). */
    retention?: RetentionSettings
    /**
     * Where warehouse connections lead: DuckDB files under STEWARD_HOME, PostgreSQL URLs from the
     * variables connections name. With it, steps get `ctx.sql` and published tables are observed.
     */
    warehouse?: ConnectionEnvironment
  },
): Promise<{ worker: RuntimeWorker; inboxes: InboxWatcher; close(): Promise<void> }> {
  // One set of pools per process, shared by steps and the observer, closed after both.
  const warehouses = options.warehouse ? new WarehousePools(options.warehouse) : undefined
  const worker = await startProjectWorker(db, target, project, {
    ...options,
    ...(warehouses ? { warehouses } : {}),
  })
  const observer = warehouses
    ? startTableObserver({
        db: db.db,
        pools: warehouses,
        onError: (error) =>
          options.log(`observer: ${error instanceof Error ? error.message : String(error)}`),
      })
    : undefined
  // After a run that writes tables, they are observed at once (freshness and schema see it).
  if (observer) worker.onRunsEnded((runIds) => observer.afterRuns(runIds))
  const inboxes = watchInboxes(db.db, worker.queue, {
    root: options.inboxRoot,
    log: options.log,
    onError: (error) => options.log(`inbox: ${error instanceof Error ? error.message : String(error)}`),
  })
  const alerts = startAlerts({
    db: db.db,
    // Runs other processes end (a cancel in the web, the scheduler's reconciler) wake it too.
    databaseUrl: db.url,
    slack: options.slack,
    ...(options.receivers ? { receivers: options.receivers } : {}),
    // The delivery queue lives next to the engine's: same backend (STEWARD_QUEUE), same prefix.
    queue: target,
    ...(options.webUrl ? { webUrl: options.webUrl } : {}),
    onError: (error) => options.log(`alerts: ${error instanceof Error ? error.message : String(error)}`),
  })
  // Told once a run's end commits, whether its step came from a queue job or was handed on in
  // this worker: a job returns before its end is recorded, so the queue's job events come too early.
  worker.onRunsEnded(alerts.nudge)
  options.log(
    `alerts: ${options.slack.botToken ? 'posting to Slack' : 'no SLACK_BOT_TOKEN: notifications wait for a process that has one'}`,
  )
  const receivers = describeReceivers(options.receivers)
  if (receivers) options.log(`alerts: also delivering to ${receivers}`)
  const pruning = options.retention ? startPruning(db.db, options.retention, { log: options.log }) : undefined
  return {
    worker,
    inboxes,
    async close() {
      await pruning?.close()
      await inboxes.close()
      await worker.close()
      await observer?.close()
      await warehouses?.close()
      await alerts.close()
    },
  }
}
