import { type SlackSettings, startAlerts } from '@steward/alerts'
import type { ReceiverSettings, RetentionSettings } from '@steward/config'
import type { StewardDb } from '@steward/db'
import {
  type ConnectionEnvironment,
  openRuntimeQueue,
  reconcile,
  startTableObserver,
  WarehousePools,
} from '@steward/engine'
import { startUsageFolding } from '@steward/usage'
import type { QueueTarget, WorkerLossSettings } from '../project/runtime-services.ts'
import { startPruning } from '../retention/start-pruning.ts'

export interface SchedulerRoleOptions {
  db: StewardDb
  queue: QueueTarget
  slack: SlackSettings
  /** Webhooks, PagerDuty and SMTP alerts are delivered to besides Slack. */
  receivers?: ReceiverSettings
  /** STEWARD_PUBLIC_URL, for links to runs in Slack. */
  publicUrl: string | undefined
  /** False when a worker role in this process already runs the alert evaluator. */
  alerts: boolean
  log: (line: string) => void
  /** The same worker-loss settings as the workers (STEWARD_HEARTBEAT_TIMEOUT…): one rule for all. */
  workerLoss: WorkerLossSettings
  /**
   * Prune history older than these ages (STEWARD_RETAIN_*_DAYS); batches skip rows others hold.
   * Undefined when a worker role in this process already prunes.
   */
  retention: RetentionSettings | undefined
  /**
   * Where warehouse connections lead: published tables are observed on a timer here too. Undefined
   * when a worker role in this process already observes them.
   */
  warehouse?: ConnectionEnvironment
  /** How often the reconciler runs. Default 5 s, as in every worker. */
  reconcileEveryMs?: number
}

export interface SchedulerRole {
  close(): Promise<void>
}

/**
 * The scheduler role: the work no single request or step owns. The reconciler (steps the queue
 * lost are enqueued again, attempts of dead workers failed and retried), the alert timers
 * (freshness, volume, budgets, lateness, reminders, digests) with the evaluator and Slack delivery,
 * counting stored usage events into the rollups, and observing published tables on a timer.
 *
 * No leader is elected: each piece is safe with any number of schedulers (and workers) running it
 * at once, by construction in SQL. The reconciler fails an attempt only under its run's row lock
 * and re-adds jobs by deterministic id; alert evaluation reads behind a durable cursor and delivery
 * shares one queue; folding takes a transaction-scoped try-lock per part. Running two schedulers
 * is therefore only redundancy, never double work. Schedules themselves fire from the queue's job
 * schedulers, which `steward deploy` makes and the reconciler re-creates from SQL when the queue
 * lost them; any worker runs what they enqueue. Pruning deletes in batches that skip locked rows.
 */
export function startSchedulerRole(options: SchedulerRoleOptions): SchedulerRole {
  const report = (what: string) => (error: unknown) =>
    options.log(`scheduler: ${what}: ${error instanceof Error ? error.message : String(error)}`)
  const queue = openRuntimeQueue(options.queue)
  let reconciling: Promise<unknown> | undefined
  const tick = () => {
    reconciling ??= reconcile(options.db.db, queue, {
      staleAfterMs: options.workerLoss.heartbeatTimeoutMs,
      lostStepRetryDelayMs: options.workerLoss.lostStepRetryDelayMs,
    })
      .then((done) => {
        if (done.requeued > 0 || done.failedAttempts > 0)
          options.log(
            `scheduler: reconciled: ${done.requeued} steps enqueued again, ${done.failedAttempts} attempts of lost workers failed`,
          )
      })
      .catch(report('reconcile'))
      .finally(() => {
        reconciling = undefined
      })
  }
  tick()
  const reconcileTimer = setInterval(tick, options.reconcileEveryMs ?? 5_000)
  reconcileTimer.unref()

  const alerts = options.alerts
    ? startAlerts({
        db: options.db.db,
        databaseUrl: options.db.url,
        slack: options.slack,
        ...(options.receivers ? { receivers: options.receivers } : {}),
        queue: options.queue,
        ...(options.publicUrl ? { webUrl: options.publicUrl } : {}),
        onError: report('alerts'),
      })
    : undefined
  const warehouses = options.warehouse ? new WarehousePools(options.warehouse) : undefined
  const observer = warehouses
    ? startTableObserver({ db: options.db.db, pools: warehouses, onError: report('table observer') })
    : undefined
  const folding = startUsageFolding(async () => options.db.db, { onError: report('usage folding') })
  const pruning = options.retention
    ? startPruning(options.db.db, options.retention, { log: options.log })
    : undefined
  options.log(
    `scheduler: reconciler every ${(options.reconcileEveryMs ?? 5_000) / 1000} s, ` +
      `${options.alerts ? 'alert timers, ' : ''}usage folding` +
      (options.alerts
        ? `; alerts ${options.slack.botToken ? 'posting to Slack' : 'recorded only (no SLACK_BOT_TOKEN)'}`
        : ''),
  )
  return {
    async close() {
      clearInterval(reconcileTimer)
      folding.stop()
      await pruning?.close()
      await reconciling
      await observer?.close()
      await warehouses?.close()
      await alerts?.close()
      await queue.close()
    },
  }
}
