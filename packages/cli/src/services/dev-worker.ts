import type { StewardDb } from '@steward/db'
import type { Project, ScheduleSpec } from '@steward/pipelines'
import { type QueueTarget, startProjectWorker, syncProjectSchedules } from '../project/runtime-services.ts'
import type { Service } from './service.ts'

export interface DevWorkerContext {
  /** The deployed project, or undefined when there is no steward.config.ts to run. */
  project: Project | undefined
  schedules: readonly ScheduleSpec[]
  db: StewardDb
  queue: QueueTarget
  concurrency: number
  log: (line: string) => void
}

export interface DevWorker {
  /** Watched with the web app; undefined while nothing runs. */
  service: Service | undefined
  /** One line for the banner. */
  status: string
  stop(): Promise<void>
}

/**
 * The worker `steward dev` runs in its own process, beside the web app: schedules synced into
 * Redis, then a BullMQ worker running the project's steps. Production runs `steward worker`
 * processes instead, as many as the load needs.
 */
export async function startDevWorker(context: DevWorkerContext): Promise<DevWorker> {
  if (!context.project) {
    const status = 'not started — no project deployed (no steward.config.ts)'
    context.log(`worker: ${status}`)
    return { service: undefined, status, stop: async () => {} }
  }
  await syncProjectSchedules(context.queue, context.schedules, context.log)
  const runtime = await startProjectWorker(context.db, context.queue, context.project, {
    concurrency: context.concurrency,
    log: context.log,
  })
  const status = `running in this process (${runtime.workerId}, ${context.concurrency} steps at once)`
  context.log(`worker: ${status}`)
  return {
    // In-process: it ends only when dev stops it, so nothing to watch for an exit.
    service: { name: 'worker', exited: new Promise(() => {}), lastLines: () => [] },
    status,
    stop: () => runtime.close(),
  }
}
