import type { SlackSettings } from '@steward/alerts'
import type { ReceiverSettings, RetentionSettings } from '@steward/config'
import type { StewardDb } from '@steward/db'
import type { ConnectionEnvironment, Project } from '@steward/engine'
import {
  type QueueTarget,
  startProjectRuntime,
  type WorkerLossSettings,
} from '../project/runtime-services.ts'

export interface WorkerRoleOptions {
  db: StewardDb
  queue: QueueTarget
  project: Project
  concurrency: number
  /** How long a silent worker's steps wait before another retries them (STEWARD_HEARTBEAT_TIMEOUT…). */
  workerLoss: WorkerLossSettings
  /** Prune history older than these ages in the background (STEWARD_RETAIN_*_DAYS). */
  retention: RetentionSettings
  /** `$STEWARD_HOME/inbox`: files landing in its folders start `onFile` pipelines. */
  inboxRoot: string
  /** Where warehouse connections lead (STEWARD_HOME, the variables their URLs are in). */
  warehouse?: ConnectionEnvironment
  slack: SlackSettings
  /** Webhooks, PagerDuty and SMTP alerts are delivered to besides Slack. */
  receivers?: ReceiverSettings
  /** STEWARD_PUBLIC_URL, for links to runs in Slack. */
  publicUrl: string | undefined
  log: (line: string) => void
}

export interface WorkerRole {
  workerId: string
  /** Stops taking steps; the steps in flight finish and are recorded first. */
  close(): Promise<void>
}

/**
 * The worker role, as `steward worker` and `steward start --role worker` run it: the project's
 * steps from the queue, its file inboxes and the alert evaluator with Slack delivery. Any number
 * may run, on any number of machines: they share the queue and coordinate in SQL.
 */
export async function startWorkerRole(options: WorkerRoleOptions): Promise<WorkerRole> {
  const runtime = await startProjectRuntime(options.db, options.queue, options.project, {
    concurrency: options.concurrency,
    workerLoss: options.workerLoss,
    retention: options.retention,
    inboxRoot: options.inboxRoot,
    ...(options.warehouse ? { warehouse: options.warehouse } : {}),
    log: options.log,
    slack: options.slack,
    ...(options.receivers ? { receivers: options.receivers } : {}),
    ...(options.publicUrl ? { webUrl: options.publicUrl } : {}),
  })
  options.log(
    `worker ${runtime.worker.workerId}: running ${options.project.pipelines.length} pipelines, ` +
      `${options.concurrency} steps at once`,
  )
  return { workerId: runtime.worker.workerId, close: () => runtime.close() }
}
