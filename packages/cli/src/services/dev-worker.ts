import type { SlackSettings } from '@steward/alerts'
import type { ReceiverSettings, RetentionSettings } from '@steward/config'
import type { StewardDb } from '@steward/db'
import { type Project, type RuntimeQueue, type ScheduleSpec, startRun } from '@steward/engine'
import { readCliSettings, warehouseVariables } from '../env.ts'
import { type QueueTarget, startProjectRuntime, syncProjectSchedules } from '../project/runtime-services.ts'
import type { Service } from './service.ts'

export interface DevWorkerContext {
  /** The deployed project, or undefined when there is no steward.config.ts to run. */
  project: Project | undefined
  schedules: readonly ScheduleSpec[]
  db: StewardDb
  queue: QueueTarget
  concurrency: number
  /** `$STEWARD_HOME/inbox`: files landing in its folders start `onFile` pipelines. */
  inboxRoot: string
  /** Give scheduled pipelines that never ran one run now, so a new project shows data at once. */
  firstRuns: boolean
  log: (line: string) => void
  /** Alerts go to Slack with a token; without one they are recorded and shown in the UI. */
  slack: SlackSettings
  /** Webhooks, PagerDuty and SMTP alerts are delivered to besides Slack. */
  receivers?: ReceiverSettings
  /** The web UI, for links to runs in alerts. */
  webUrl?: string
  /** History older than these ages is pruned in the background. */
  retention?: RetentionSettings
}

export interface DevWorker {
  /** Watched with the web app; undefined while nothing runs. */
  service: Service | undefined
  /** One line for the banner. */
  status: string
  /** Hands a new load of the project's code to the worker (reload on save); undefined when none runs. */
  loadCode: ((project: Project) => Promise<void>) | undefined
  stop(): Promise<void>
}

/**
 * The worker `steward dev` runs in its own process, beside the web app: schedules synced into
 * the queue, then a BullMQ worker running the project's steps. Production runs `steward worker`
 * processes instead, as many as the load needs.
 */
export async function startDevWorker(context: DevWorkerContext): Promise<DevWorker> {
  if (!context.project) {
    const status = 'not started — no project deployed (no steward.config.ts)'
    context.log(`worker: ${status}`)
    return { service: undefined, status, loadCode: undefined, stop: async () => {} }
  }
  await syncProjectSchedules(context.queue, context.schedules, context.log)
  const runtime = await startProjectRuntime(context.db, context.queue, context.project, {
    concurrency: context.concurrency,
    // The same settings every `steward worker` reads.
    workerLoss: readCliSettings(),
    inboxRoot: context.inboxRoot,
    warehouse: { stewardHome: readCliSettings().home, variables: warehouseVariables() },
    log: context.log,
    slack: context.slack,
    ...(context.receivers ? { receivers: context.receivers } : {}),
    ...(context.webUrl ? { webUrl: context.webUrl } : {}),
    ...(context.retention ? { retention: context.retention } : {}),
  })
  const status = `running in this process (${runtime.worker.workerId}, ${context.concurrency} steps at once; inbox ${context.inboxRoot})`
  context.log(`worker: ${status}`)
  if (context.firstRuns) await startFirstRuns(context, runtime.worker.queue)
  return {
    // In-process: it ends only when dev stops it, so nothing to watch for an exit.
    service: { name: 'worker', exited: new Promise(() => {}), lastLines: () => [] },
    status,
    loadCode: (project) => runtime.worker.loadCode(project),
    stop: () => runtime.close(),
  }
}

/** One run of every scheduled pipeline that has never run (those downstream follow on success). */
async function startFirstRuns(context: DevWorkerContext, queue: RuntimeQueue): Promise<void> {
  for (const schedule of context.schedules) {
    const ran = await context.db.db
      .selectFrom('runs')
      .select('id')
      .where('pipeline_id', '=', schedule.pipelineId)
      .limit(1)
      .executeTakeFirst()
    if (ran) continue
    try {
      const run = await startRun(context.db.db, queue, {
        pipelineId: schedule.pipelineId,
        trigger: 'manual',
        triggerDetail: { via: 'steward dev', reason: 'first start' },
      })
      context.log(
        `first start: ${schedule.pipelineId} has never run; started run ${run.runId} (--no-first-runs to skip)`,
      )
    } catch (error) {
      context.log(
        `first start: ${schedule.pipelineId}: ${error instanceof Error ? error.message : String(error)}`,
      )
    }
  }
}
