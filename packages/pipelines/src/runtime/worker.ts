import { hostname } from 'node:os'
import { type Job, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import type { CostRates } from '../definitions/config.ts'
import type { Pipeline } from '../definitions/pipeline.ts'
import type { Project } from '../loader/project.ts'
import type { Db } from './db.ts'
import { StewardError } from './errors.ts'
import { InFlight } from './in-flight.ts'
import { hourlyRate, processStepJob } from './process-step.ts'
import {
  defaultQueueName,
  defaultQueuePrefix,
  openRuntimeQueue,
  type RuntimeJobData,
  type RuntimeQueue,
  type ScheduledRunJobData,
  type StepJobData,
  scheduledRunJobName,
  stepJobName,
} from './queues.ts'
import { type ReconcileOptions, type ReconcileReport, reconcile } from './reconciler.ts'
import { processScheduledRunJob } from './scheduled-run.ts'
import { StepSpecs } from './step-specs.ts'

export interface StartWorkerOptions {
  db: Db
  redisUrl: string
  /** The loaded definitions: the worker runs their steps' code. */
  project: Pick<Project, 'pipelines'>
  /** Steps this process runs at once. Default 10. */
  concurrency?: number
  /** Recorded on every attempt. Default `<host>:<pid>`. */
  workerId?: string
  /** Prices compute time (`costRates.workerHourUsd[workerClass]`). Default `default`. */
  workerClass?: string
  costRates?: CostRates
  /** Queue key prefix and name; tests give each their own. */
  prefix?: string
  queueName?: string
  /** How often running attempts heartbeat and look for cancels. Default 1000 ms. */
  heartbeatMs?: number
  /** The reconciler on a timer in this process (`false`: none). Default every 10 s. */
  reconcile?: false | (ReconcileOptions & { everyMs?: number })
  /**
   * BullMQ's lock on a job this worker took (`lockDuration`, renewed at half of it) and how often
   * the worker looks for jobs whose lock expired (`stalledInterval`). A job taken by a worker that
   * died (`kill -9`) before claiming its step in SQL stays `active` in Redis, and the reconciler
   * leaves it alone, until the lock expires and a stall check hands it to another worker: up to
   * both together. Defaults: BullMQ's, 30 s each.
   */
  jobLock?: { durationMs?: number; stalledCheckEveryMs?: number }
  /** Errors the worker survives (a failed heartbeat, a reconcile that could not reach Redis). */
  onError?: (error: unknown) => void
}

export interface RuntimeWorker {
  readonly workerId: string
  readonly worker: Worker<RuntimeJobData, unknown, string>
  /** The queue this worker enqueues follow-up steps on. */
  readonly queue: RuntimeQueue
  /** Runs the reconciler once now. */
  reconcileNow(): Promise<ReconcileReport>
  /**
   * Graceful stop (SIGTERM): takes no new jobs, waits for the steps in flight to finish and be
   * recorded, then closes every connection. Steps that outlive the process are failed by another
   * worker's reconciler once their heartbeat stops.
   */
  close(): Promise<void>
}

/**
 * Starts a worker: a BullMQ Worker on the runtime queue running steps (`step` jobs) and creating
 * scheduled runs (`scheduled-run` jobs), with the heartbeat/cancel tick and the reconciler on
 * timers. Refuses to start when Redis may evict keys (BullMQ needs `maxmemory-policy noeviction`).
 *
 * @example
 * const worker = await startWorker({ db, redisUrl, project, concurrency: 10, costRates: config.costs })
 * process.once('SIGTERM', () => void worker.close())
 */
export async function startWorker(options: StartWorkerOptions): Promise<RuntimeWorker> {
  await assertNoEviction(options.redisUrl)
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`
  const workerClass = options.workerClass ?? 'default'
  const onError = options.onError ?? (() => {})
  const pipelines = new Map<string, Pipeline>(
    options.project.pipelines.map(({ definition }) => [definition.id, definition]),
  )
  const prefix = options.prefix ?? defaultQueuePrefix
  const name = options.queueName ?? defaultQueueName
  const queue = openRuntimeQueue({ redisUrl: options.redisUrl, prefix, name })
  const specs = new StepSpecs(options.db)
  const inFlight = new InFlight(options.db)
  const deps = {
    db: options.db,
    queue,
    pipelines,
    specs,
    inFlight,
    workerId,
    workerClass,
    hourlyUsd: hourlyRate(options.costRates, workerClass),
  }

  const worker = new Worker<RuntimeJobData, unknown, string>(
    name,
    async (job: Job<RuntimeJobData, unknown, string>) => {
      if (job.name === stepJobName) return processStepJob(deps, job.data as StepJobData)
      if (job.name === scheduledRunJobName) {
        const data = job.data as ScheduledRunJobData
        return processScheduledRunJob(options.db, queue, data, job, pipelines.get(data.pipelineId))
      }
      return undefined
    },
    {
      // Its own connections (BullMQ opens a blocking one too); workers must never give up on Redis.
      connection: { url: options.redisUrl, maxRetriesPerRequest: null },
      prefix,
      concurrency: options.concurrency ?? 10,
      autorun: true,
      // Only when set: BullMQ merges its defaults with Object.assign, so `undefined` would erase them.
      ...(options.jobLock?.durationMs === undefined ? {} : { lockDuration: options.jobLock.durationMs }),
      ...(options.jobLock?.stalledCheckEveryMs === undefined
        ? {}
        : { stalledInterval: options.jobLock.stalledCheckEveryMs }),
    },
  )
  worker.on('error', onError)

  const heartbeat = setInterval(() => {
    inFlight.tick().catch(onError)
  }, options.heartbeatMs ?? 1000)
  heartbeat.unref()

  const reconcileSettings = options.reconcile === false ? undefined : (options.reconcile ?? {})
  const reconcileNow = () => reconcile(options.db, queue, { ...reconcileSettings, specs })
  let reconciling: Promise<unknown> | undefined
  const reconcileTimer =
    reconcileSettings === undefined
      ? undefined
      : setInterval(() => {
          if (reconciling) return
          reconciling = reconcileNow()
            .catch(onError)
            .finally(() => {
              reconciling = undefined
            })
        }, reconcileSettings.everyMs ?? 10_000)
  reconcileTimer?.unref()

  await worker.waitUntilReady()
  let closing: Promise<void> | undefined
  return {
    workerId,
    worker,
    queue,
    reconcileNow,
    close() {
      closing ??= (async () => {
        if (reconcileTimer) clearInterval(reconcileTimer)
        await worker.close()
        clearInterval(heartbeat)
        await reconciling
        await queue.close()
      })()
      return closing
    },
  }
}

/** BullMQ loses jobs when Redis evicts keys: refuse to start unless `maxmemory-policy` is `noeviction`. */
async function assertNoEviction(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  let policy: string | undefined
  try {
    await redis.connect()
    const answer = (await redis.config('GET', 'maxmemory-policy')) as unknown
    if (Array.isArray(answer) && typeof answer[1] === 'string') policy = answer[1]
  } catch {
    // CONFIG may be disabled (managed Redis); BullMQ itself warns if the policy is wrong.
  } finally {
    redis.disconnect()
  }
  if (policy !== undefined && policy !== 'noeviction') {
    throw new StewardError(
      'REDIS_EVICTION_POLICY',
      `Redis at ${redactRedisUrl(redisUrl)} has maxmemory-policy "${policy}": it may evict queued jobs. ` +
        'Set it to noeviction (redis.conf `maxmemory-policy noeviction`, or CONFIG SET maxmemory-policy noeviction)',
    )
  }
}

function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'the configured REDIS_URL'
  }
}
