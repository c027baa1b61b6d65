import { hostname } from 'node:os'
import type { CostRates } from '@steward/pipelines'
import {
  assertNoEviction,
  defaultQueuePrefix,
  type Job,
  openWorker,
  type QueueTarget,
  queueBackendOf,
  type StewardWorker,
  type WorkerSettings,
} from '@steward/queue'
import type { Project } from '../loader/project.ts'
import {
  defaultQueueName,
  openRuntimeQueue,
  type RuntimeJobData,
  type RuntimeQueue,
  type ScheduledRunJobData,
  type StepJobData,
  scheduledRunJobName,
  stepJobName,
} from '../queue/runtime-queue.ts'
import { activeVersions } from '../store/active-versions.ts'
import type { Db } from '../store/db.ts'
import { MetricLabelSets } from '../store/metric-label-sets.ts'
import { StepSpecs } from '../store/step-specs.ts'
import { processScheduledRunJob } from '../triggers/scheduled-run.ts'
import { StepWarehouses } from '../warehouse/step-warehouses.ts'
import type { WarehousePools } from '../warehouse/warehouse-pools.ts'
import { HeartbeatThread } from './heartbeats/heartbeat-thread-client.ts'
import { InFlight } from './in-flight.ts'
import { LocalSlots } from './local-slots.ts'
import { PendingWork } from './pending-work.ts'
import { processStepJob, type StepProcessorDeps } from './process-step.ts'
import {
  defaultReconcileEveryMs,
  type ReconcileOptions,
  type ReconcileReport,
  reconcile,
} from './reconciler.ts'
import { hourlyRate } from './run-claimed-step.ts'
import { StepBatches } from './step-batches.ts'
import { type NeededCode, WorkerCode } from './worker-code.ts'

export type StartWorkerOptions = QueueTarget & WorkerOptions

interface WorkerOptions {
  db: Db
  /** The loaded definitions: the worker runs their steps' code. */
  project: Pick<Project, 'pipelines'>
  /**
   * Steps whose code this process runs at once. Default 10. A finish claims the steps it made ready
   * for this worker (a chain's next link, a fan-out's siblings) only into free slots (see `LocalSlots`).
   */
  concurrency?: number
  /** Recorded on every attempt. Default `<host>:<pid>`. */
  workerId?: string
  /** Prices compute time (`costRates.workerHourUsd[workerClass]`). Default `default`. */
  workerClass?: string
  costRates?: CostRates
  /** Distinct label sets a metric may carry per pipeline (`defaults.metricLabelSets`). Default 100. */
  metricLabelSets?: number
  /** Queue key prefix (the schema on PostgreSQL) and name; tests give each their own. */
  prefix?: string
  queueName?: string
  /** How often running attempts heartbeat and look for cancels. Default 1000 ms. */
  heartbeatMs?: number
  /**
   * The database's URL (`StewardDb.url`, never printed): heartbeats are then written from a thread
   * with its own connection, so a step that keeps the event loop busy keeps its heartbeat. Without
   * it (a database in this process) they are written on the event loop.
   */
  databaseUrl?: string
  /**
   * The reconciler on a timer in this process (`false`: none). Default every 5 s: with the default
   * heartbeat timeout (10 s) and lost-step retry delay (1 s), a `kill -9`ed worker's steps run again
   * within 20 s, and a lost job scheduler is back within 5 s.
   */
  reconcile?: false | (ReconcileOptions & { everyMs?: number })
  /**
   * BullMQ's lock on a job this worker took (`lockDuration`, renewed at half of it) and how often
   * the worker looks for jobs whose lock expired (`stalledInterval`). A job taken by a worker that
   * died (`kill -9`) before claiming its step in SQL stays `active` in Redis, and the reconciler
   * leaves it alone, until the lock expires and a stall check hands it to another worker: up to
   * both together. Defaults: BullMQ's, 30 s each.
   */
  jobLock?: { durationMs?: number; stalledCheckEveryMs?: number }
  /**
   * The process's warehouse pools, for `ctx.sql` (shared with the observer; the caller closes them
   * after the worker). Without them `ctx.sql` throws, naming the connection.
   */
  warehouses?: { pools: WarehousePools; warehouseHourUsd?: number }
  /** Errors the worker survives (a failed heartbeat, a reconcile that could not reach Redis). */
  onError?: (error: unknown) => void
}

export interface RuntimeWorker {
  readonly workerId: string
  readonly worker: StewardWorker<RuntimeJobData>
  /** The queue this worker enqueues follow-up steps on. */
  readonly queue: RuntimeQueue
  /**
   * Resolves true once heartbeats come from their thread (a second or a few after start: until
   * then the event loop writes them), false when they stay on the event loop.
   */
  readonly heartbeatThread: Promise<boolean>
  /** Runs the reconciler once now. */
  reconcileNow(): Promise<ReconcileReport>
  /**
   * Calls `listener` with the runs this worker's steps ended, as soon as that is committed
   * (whether a step came from a queue job or was handed on here). Answers the unsubscribe.
   * @example worker.onRunsEnded(alerts.nudge)
   */
  onRunsEnded(listener: (runIds: readonly string[]) => void): () => void
  /**
   * Makes a new load of the project's code current (`steward dev` reloads on save): runs created
   * from now on run it, runs in flight finish on the code they started with. Older loads are
   * dropped once no run in flight needs them (checked now and on the heartbeat).
   */
  loadCode(project: Pick<Project, 'pipelines'>): Promise<void>
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
 * timers, on Redis or on BullMQ's PostgreSQL backend. Refuses to start when Redis may evict keys
 * (BullMQ needs `maxmemory-policy noeviction`).
 *
 * @example
 * const worker = await startWorker({ db, backend: { kind: 'redis', url }, project, costRates: config.costs })
 * process.once('SIGTERM', () => void worker.close())
 */
export async function startWorker(options: StartWorkerOptions): Promise<RuntimeWorker> {
  const backend = queueBackendOf(options)
  if (backend.kind === 'redis') await assertNoEviction(backend.url)
  const workerId = options.workerId ?? `${hostname()}:${process.pid}`
  const workerClass = options.workerClass ?? 'default'
  const onError = options.onError ?? (() => {})
  const code = new WorkerCode(options.project)
  const prefix = options.prefix ?? defaultQueuePrefix
  const name = options.queueName ?? defaultQueueName
  const queue = openRuntimeQueue({ backend, prefix, name })
  const specs = new StepSpecs(options.db)
  const inFlight = new InFlight(options.db, workerId)
  const concurrency = options.concurrency ?? 10
  const slots = new LocalSlots(concurrency)
  const runsEndedListeners = new Set<(runIds: readonly string[]) => void>()
  const tellRunsEnded = (runIds: readonly string[]) => {
    for (const listener of runsEndedListeners) {
      try {
        listener(runIds)
      } catch (error) {
        onError(error)
      }
    }
  }
  const pending = new PendingWork()
  const deps: StepProcessorDeps = {
    batches: new StepBatches({ db: options.db, queue, workerId, slots, onRunsEnded: tellRunsEnded }),
    code,
    specs,
    inFlight,
    workerId,
    workerClass,
    hourlyUsd: hourlyRate(options.costRates, workerClass),
    unitRates: options.costRates?.units ?? {},
    labelSets: new MetricLabelSets(options.db, options.metricLabelSets),
    slots,
    warehouses:
      options.warehouses &&
      new StepWarehouses({
        db: options.db,
        pools: options.warehouses.pools,
        ...(options.warehouses.warehouseHourUsd === undefined
          ? {}
          : { warehouseHourUsd: options.warehouses.warehouseHourUsd }),
      }),
    pending,
    onError,
  }

  const processor = async (job: Job<RuntimeJobData, unknown, string>) => {
    if (job.name === stepJobName) return processStepJob(deps, job.data as StepJobData)
    if (job.name === scheduledRunJobName) {
      const data = job.data as ScheduledRunJobData
      return processScheduledRunJob(options.db, queue, data, job, code.currentPipeline(data.pipelineId))
    }
    return undefined
  }
  const settings: WorkerSettings = {
    name,
    prefix,
    concurrency,
    // Only when set: BullMQ merges its defaults with Object.assign, so `undefined` would erase them.
    lock: {
      ...(options.jobLock?.durationMs === undefined ? {} : { lockDuration: options.jobLock.durationMs }),
      ...(options.jobLock?.stalledCheckEveryMs === undefined
        ? {}
        : { stalledInterval: options.jobLock.stalledCheckEveryMs }),
    },
  }
  const worker = openWorker<RuntimeJobData>(backend, processor, settings)
  worker.on('error', onError)

  // Older loads of the code (after a reload) are kept while runs in flight were created on them.
  const pruneCode = async () => {
    if (!code.holdsOlder) return
    const needed = new Map<string, Set<string>>()
    for (const { pipelineId, version } of await activeVersions(options.db)) {
      const hashes = needed.get(pipelineId) ?? new Set<string>()
      for (const spec of (await specs.steps(pipelineId, version)).values()) hashes.add(spec.codeHash)
      needed.set(pipelineId, hashes)
    }
    code.prune(needed satisfies NeededCode)
  }
  const heartbeatMs = options.heartbeatMs ?? 1000
  const beats = options.databaseUrl
    ? new HeartbeatThread(
        { databaseUrl: options.databaseUrl, everyMs: heartbeatMs, workerId },
        { onGone: (attemptIds) => inFlight.gone(attemptIds), onError },
      )
    : undefined
  if (beats) inFlight.beatFrom(beats)
  let heartbeats = 0
  const heartbeat = setInterval(() => {
    inFlight.tick().catch(onError)
    // Every tenth heartbeat: pruning has no hurry, it only frees memory.
    if (++heartbeats % 10 === 0) pruneCode().catch(onError)
  }, heartbeatMs)
  heartbeat.unref()

  const reconcileSettings = options.reconcile === false ? undefined : (options.reconcile ?? {})
  const reconcileNow = () => reconcile(options.db, queue, reconcileSettings)
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
        }, reconcileSettings.everyMs ?? defaultReconcileEveryMs)
  reconcileTimer?.unref()

  await worker.waitUntilReady()
  let closing: Promise<void> | undefined
  return {
    workerId,
    worker,
    queue,
    heartbeatThread: beats?.started ?? Promise.resolve(false),
    reconcileNow,
    onRunsEnded(listener) {
      runsEndedListeners.add(listener)
      return () => runsEndedListeners.delete(listener)
    },
    async loadCode(project) {
      code.install(project)
      await pruneCode()
    },
    close() {
      closing ??= (async () => {
        if (reconcileTimer) clearInterval(reconcileTimer)
        // What becomes ready from here on is left to the queue; the steps already here end here.
        slots.close()
        await worker.close()
        await pending.drain()
        clearInterval(heartbeat)
        await beats?.close()
        await reconciling
        await queue.close()
      })()
      return closing
    },
  }
}
