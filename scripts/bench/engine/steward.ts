// Steward on Redis, or on BullMQ's PostgreSQL queue (`queue: 'postgres'`, in the same database): the
// real worker (`startWorker`) and `startRun`, PostgreSQL as the SQL store.
import { createDb, migrateToLatest, type StewardDb } from '@steward/db'
import { type TestBackend, type TestDatabase, testBackends } from '@steward/db/testing'
import {
  compileCatalog,
  createProject,
  deployCatalog,
  openRuntimeQueue,
  type RuntimeQueue,
  type RuntimeWorker,
  startRun,
  startWorker,
  waitForRun,
} from '@steward/engine'
import { definePipeline, defineProduct, type Step, step } from '@steward/pipelines'
import type { QueueBackend } from '@steward/queue'
import type { Probe } from './probe.ts'
import { redisUrl } from './services.ts'
import { chainLength, type Engine, fanWidth } from './workloads.ts'

const product = defineProduct({
  id: 'bench',
  name: 'Engine benchmark',
  owners: [{ team: 'steward', slack: '#steward-bench' }],
})

const pad = (i: number) => String(i).padStart(2, '0')

function chainPipeline(probe: Probe) {
  const steps: Record<string, Step> = {}
  for (let i = 0; i < chainLength; i++) {
    steps[`s${pad(i)}`] = step({
      needs: i === 0 ? [] : [`s${pad(i - 1)}`],
      run: (ctx) => {
        probe.step(ctx.runId, i, i === chainLength - 1)
        return null
      },
    })
  }
  return definePipeline({ id: 'bench.w1-chain', product, steps })
}

function fanPipeline(probe: Probe) {
  const bs = Array.from({ length: fanWidth }, (_, i) => `b${pad(i)}`)
  const steps: Record<string, Step> = {
    a: step({
      run: (ctx) => {
        probe.step(ctx.runId, 0, false)
        return null
      },
    }),
  }
  bs.forEach((id, i) => {
    steps[id] = step({
      needs: ['a'],
      run: (ctx) => {
        probe.step(ctx.runId, i + 1, false)
        return null
      },
    })
  })
  steps.c = step({
    needs: bs,
    run: (ctx) => {
      probe.step(ctx.runId, fanWidth + 1, true)
      return null
    },
  })
  return definePipeline({ id: 'bench.w2-fan', product, steps })
}

export interface StewardSettings {
  prefix: string
  /** Steps the worker runs at once. */
  concurrency: number
  /** The worker's SQL pool size; undefined: what `createDb` ships (10). */
  poolSize: number | undefined
  /** The profiler's instrumented database for the worker, instead of `createDb`'s. */
  openWorkerDb?: (url: string) => Promise<Pick<StewardDb, 'db' | 'close'>>
  /** Called with the worker once it runs (the profiler listens to its BullMQ events). */
  onWorker?: (worker: RuntimeWorker) => void
  /** The queue backend; default `redis`. `postgres`: BullMQ's PostgreSQL backend in the bench database. */
  queue?: QueueBackend['kind']
  /** Called with the bench database once the pipelines are deployed, before the worker starts (seeding). */
  onDeployed?: (database: TestDatabase) => Promise<void>
  /** An existing database to deploy into and run on (left in place), instead of a fresh one. */
  database?: TestDatabase
}

export async function openSteward(probe: Probe, settings: StewardSettings): Promise<Engine> {
  const backend = testBackends.find((b) => b.name === 'postgres')
  if (!backend && !settings.database) throw new Error('the machine’s PostgreSQL is off (STEWARD_TEST_PG=off)')
  const closers: (() => Promise<unknown>)[] = []
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {})
  }
  try {
    const database: TestDatabase = settings.database ?? (await (backend as TestBackend).open())
    closers.push(() => database.dispose())
    await migrateToLatest(database.db)
    // The worker has a pool of its own, as `steward worker` does in its process; runs are started
    // (and followed) through the other one, as the API or CLI would.
    const workerDb = settings.openWorkerDb
      ? await settings.openWorkerDb(database.url)
      : await createDb(database.url, { embeddedDataDir: '', poolSize: settings.poolSize })
    closers.push(() => workerDb.close())
    const chain = chainPipeline(probe)
    const fan = fanPipeline(probe)
    const project = await createProject({
      products: [product],
      pipelines: [chain, fan],
      root: import.meta.dirname,
    })
    await deployCatalog(database.db, compileCatalog(project))
    await settings.onDeployed?.(database)
    const queueBackend: QueueBackend =
      settings.queue === 'postgres'
        ? { kind: 'postgres', url: database.url }
        : { kind: 'redis', url: redisUrl }
    const worker: RuntimeWorker = await startWorker({
      db: workerDb.db,
      backend: queueBackend,
      project,
      prefix: settings.prefix,
      concurrency: settings.concurrency,
      reconcile: false,
      workerId: 'bench-worker',
    })
    closers.push(() => worker.close())
    settings.onWorker?.(worker)
    const queue: RuntimeQueue = openRuntimeQueue({ backend: queueBackend, prefix: settings.prefix })
    closers.push(() => queue.close())
    const db = database.db

    return {
      label: queueBackend.kind === 'postgres' ? 'Steward (PostgreSQL queue)' : 'Steward (Redis)',
      async chain() {
        const { runId } = await startRun(db, queue, {
          pipelineId: chain.id,
          trigger: 'manual',
          definition: chain,
        })
        await probe.waitFor(runId)
        // The last step ran; the run ends in its finishing transaction: wait for that too.
        const { run } = await waitForRun(db, runId, { pollMs: 1, timeoutMs: 30_000 })
        if (run.status !== 'succeeded') throw new Error(`run ${runId} ended ${run.status}`)
      },
      async fan() {
        const { runId } = await startRun(db, queue, {
          pipelineId: fan.id,
          trigger: 'manual',
          definition: fan,
        })
        await probe.waitFor(runId)
      },
      async settle() {
        const deadline = Date.now() + 60_000
        for (;;) {
          const rows = await db
            .selectFrom('runs')
            .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
            .groupBy('status')
            .execute()
          const open = rows.filter((r) => r.status === 'queued' || r.status === 'running')
          const bad = rows.filter((r) => r.status === 'failed' || r.status === 'cancelled')
          if (bad.length > 0) throw new Error(`Steward runs ended badly: ${JSON.stringify(bad)}`)
          if (open.length === 0) return
          if (Date.now() > deadline) throw new Error(`Steward runs still open: ${JSON.stringify(open)}`)
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
      },
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}
