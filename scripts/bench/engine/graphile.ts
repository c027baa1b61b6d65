// graphile-worker 0.16, the PostgreSQL queue a TypeScript team would pick instead: its own schema in
// a throwaway database; each task adds the next job itself before it returns (`helpers.addJob`, and
// A's 20 B's in one `add_job … from generate_series` round trip); the fan-in counts finished B's
// per run in memory, as the BullMQ floor does.
import { Logger, type Runner, run, type Task } from 'graphile-worker'
import pg from 'pg'
import type { Probe } from './probe.ts'
import { createThrowawayDatabase } from './services.ts'
import { chainLength, type Engine, fanWidth } from './workloads.ts'

interface GraphileJob {
  run: string
  i: number
}

const quiet = new Logger(() => () => {})

export async function openGraphile(probe: Probe, settings: { concurrency: number }): Promise<Engine> {
  const database = await createThrowawayDatabase('graphile')
  const finishedBs = new Map<string, number>()
  const w1: Task = async (payload, helpers) => {
    const { run: runKey, i } = payload as GraphileJob
    probe.step(runKey, i, i === chainLength - 1)
    if (i + 1 < chainLength) await helpers.addJob('w1', { run: runKey, i: i + 1 })
  }
  const w2: Task = async (payload, helpers) => {
    const { run: runKey, i } = payload as GraphileJob
    probe.step(runKey, i, i === fanWidth + 1)
    if (i === 0) {
      await helpers.query(
        "select graphile_worker.add_job('w2', json_build_object('run', $1::text, 'i', g)) from generate_series(1, $2::int) g",
        [runKey, fanWidth],
      )
    } else if (i <= fanWidth) {
      const n = (finishedBs.get(runKey) ?? 0) + 1
      if (n < fanWidth) finishedBs.set(runKey, n)
      else {
        finishedBs.delete(runKey)
        await helpers.addJob('w2', { run: runKey, i: fanWidth + 1 })
      }
    }
  }
  // Our own pool, ended before the database is dropped: graphile-worker's `stop()` can return
  // while a connection of the pool it makes itself is still open.
  // graphile-worker wants a connection per concurrent job, plus a couple for itself.
  const pool = new pg.Pool({ connectionString: database.url, max: settings.concurrency + 2 })
  pool.on('error', () => {})
  let runner: Runner | undefined
  let failure: Error | undefined
  const shutdown = async () => {
    try {
      await runner?.stop()
    } finally {
      await Promise.race([
        pool.end().catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, 3000).unref()),
      ])
      await database.drop()
    }
  }
  try {
    runner = await run({
      pgPool: pool,
      concurrency: settings.concurrency,
      noHandleSignals: true,
      logger: quiet,
      taskList: { w1, w2 },
    })
    runner.events.on('job:failed', ({ error }) => {
      failure ??= error instanceof Error ? error : new Error(String(error))
    })
  } catch (error) {
    await shutdown()
    throw error
  }
  const started = runner
  const check = () => {
    if (failure) throw failure
  }
  return {
    label: 'graphile-worker',
    async chain(index) {
      const runKey = `w1-${index}`
      await started.addJob('w1', { run: runKey, i: 0 })
      await probe.waitFor(runKey)
      check()
    },
    async fan(index) {
      const runKey = `w2-${index}`
      await started.addJob('w2', { run: runKey, i: 0 })
      await probe.waitFor(runKey)
      check()
    },
    close: shutdown,
  }
}
