// Backfills (issue 8): a 365-partition backfill of a no-op pipeline on the machine's PostgreSQL and
// Redis. Prints the time to create the runs (one transaction) and the time until all have finished,
// then one JSON line. Sizes: BENCH_BACKFILL_DAYS (365), BENCH_BACKFILL_CONCURRENCY (8).
import { loadavg } from 'node:os'
import { createDb, migrateToLatest } from '@steward/db'
import {
  compileCatalog,
  createProject,
  deployCatalog,
  getBackfillProgress,
  openRuntimeQueue,
  startBackfill,
  startWorker,
} from '@steward/engine'
import { dailyPartitions, definePipeline, defineProduct } from '@steward/pipelines'
import { createThrowawayDatabase, deleteKeys, redisProblem, redisUrl } from './engine/services.ts'

const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] || fallback)
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0`)
  return value
}

export async function run() {
  const days = int('BENCH_BACKFILL_DAYS', 365)
  const concurrency = int('BENCH_BACKFILL_CONCURRENCY', 8)
  const problem = await redisProblem()
  if (problem) {
    console.log(`skipped: ${problem}`)
    return
  }
  const product = defineProduct({ id: 'bench', name: 'Backfill benchmark', owners: [{ slack: '#bench' }] })
  const pipeline = definePipeline({
    id: 'bench.daily',
    product,
    partitions: dailyPartitions({ start: '2025-01-01', timezone: 'Europe/Berlin' }),
    steps: (s) => s.step('noop', { run: () => null }),
  })
  const database = await createThrowawayDatabase('backfill')
  const prefix = `{steward-bench-backfill-${process.pid}}`
  const db = await createDb(database.url, { embeddedDataDir: '', poolSize: 20 })
  const queue = openRuntimeQueue({ redisUrl, prefix })
  try {
    await migrateToLatest(db.db)
    const project = await createProject({
      products: [product],
      pipelines: [pipeline],
      root: import.meta.dirname,
    })
    await deployCatalog(db.db, compileCatalog(project))
    const worker = await startWorker({
      db: db.db,
      redisUrl,
      prefix,
      project,
      concurrency: 20,
      reconcile: false,
    })
    const to = new Date(Date.UTC(2025, 0, days)).toISOString().slice(0, 10)
    const started = performance.now()
    const created = await startBackfill(db.db, queue, {
      pipelineId: pipeline.id,
      from: '2025-01-01',
      to,
      concurrency,
    })
    const createMs = performance.now() - started
    let progress = await getBackfillProgress(db.db, created.backfillId)
    while (!progress.done) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      progress = await getBackfillProgress(db.db, created.backfillId)
    }
    const finishMs = performance.now() - started
    await worker.close()
    console.log(
      `${created.partitions.length} daily partitions (2025-01-01 … ${to}), ${concurrency} at a time, PostgreSQL + Redis, load ${loadavg()[0]?.toFixed(1)}`,
    )
    console.log(`  create the runs:    ${createMs.toFixed(0)} ms`)
    console.log(`  all runs finished:  ${(finishMs / 1000).toFixed(2)} s (${progress.succeeded} succeeded)`)
    console.log(
      JSON.stringify({
        backfill_partitions: created.partitions.length,
        backfill_create_ms: Math.round(createMs),
        backfill_finish_s: Number((finishMs / 1000).toFixed(2)),
      }),
    )
  } finally {
    await queue.close()
    await db.close()
    await deleteKeys(prefix)
    await database.drop()
  }
}
