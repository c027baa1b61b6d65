// Where Steward's hand-off goes: W1 and W2 through the real worker, with every SQL statement of the
// worker timed (Kysely's query log), the wait for a pooled connection timed, and BullMQ's `active`
// event marking when the next step's job reached the worker. Not part of `npm run bench`:
//   node --import tsx scripts/bench/engine/profile-steward.ts
// PROFILE_W1_RUNS (100), PROFILE_W2_RUNS (200), PROFILE_POOL (10), PROFILE_CONCURRENCY (50).
import type { Database } from '@steward/db'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { now, Probe, percentile } from './probe.ts'
import { deleteKeys } from './services.ts'
import { openSteward } from './steward.ts'
import { chainLength, runW1, runW2 } from './workloads.ts'

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback)

interface Query {
  start: number
  end: number
  sql: string
}

const shape = (sql: string) => {
  const flat = sql.replace(/\s+/g, ' ').trim()
  const values = flat.indexOf(' values ')
  return (values > 0 ? flat.slice(0, values) : flat).slice(0, 90)
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a')
const stats = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mean = xs.reduce((a, b) => a + b, 0) / (xs.length || 1)
  return `mean ${fmt(mean)} p50 ${fmt(percentile(sorted, 0.5))} p95 ${fmt(percentile(sorted, 0.95))} (n=${xs.length})`
}

async function main() {
  const poolSize = setting('PROFILE_POOL', 10)
  const concurrency = setting('PROFILE_CONCURRENCY', 50)
  const prefix = `{steward-bench-profile-${process.pid}}`
  const probe = new Probe()
  let recording = false
  const queries: Query[] = []
  const acquires: number[] = []
  const enqueues: number[] = []
  const actives: { at: number; runId: string; stepId: string }[] = []
  const stepTimes = new Map<string, { runId: string; i: number; start: number; end: number }[]>()
  // Step start/end per run for W1, from the probe's own records.
  const originalStep = probe.step.bind(probe)
  probe.step = (runKey, i, last) => {
    const t = now()
    if (recording) {
      push(stepTimes, runKey, { runId: runKey, i, start: t, end: t })
    }
    originalStep(runKey, i, last)
  }

  const engine = await openSteward(probe, {
    prefix,
    concurrency,
    poolSize,
    async openWorkerDb(url) {
      const pool = new pg.Pool({ connectionString: url, max: poolSize })
      pool.on('error', () => {})
      const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>
      const timedConnect = async () => {
        const t = now()
        const client = await connect()
        if (recording) acquires.push(now() - t)
        return client
      }
      pool.connect = timedConnect as typeof pool.connect
      const db = new Kysely<Database>({
        dialect: new PostgresDialect({ pool }),
        log(event) {
          if (!recording) return
          const end = now()
          queries.push({ start: end - event.queryDurationMillis, end, sql: event.query.sql })
        },
      })
      return { db, close: () => db.destroy() }
    },
    onWorker(worker) {
      // The queue the worker enqueues follow-up steps on: time its addBulk (after the finish commit).
      const addBulk = worker.queue.addBulk.bind(worker.queue)
      worker.queue.addBulk = async (jobs) => {
        const t = now()
        try {
          return await addBulk(jobs)
        } finally {
          if (recording) enqueues.push(now() - t)
        }
      }
      worker.worker.on('active', (job) => {
        if (!recording) return
        const data = job.data as { runId?: string; stepId?: string }
        if (data.runId && data.stepId) actives.push({ at: now(), runId: data.runId, stepId: data.stepId })
      })
    },
  })
  try {
    // ---- W1: one run at a time; every hand-off's window holds one finish, one enqueue, one claim.
    await runW1(engine, probe, 5, 0)
    recording = true
    const w1 = await runW1(engine, probe, setting('PROFILE_W1_RUNS', 100), 0)
    recording = false
    console.log(`W1 (instrumented): hand-off p50 ${fmt(w1.p50)} ms, p95 ${fmt(w1.p95)}, p99 ${fmt(w1.p99)}`)
    const phases: Record<string, number[]> = {
      'step end → finish txn begins (cost entry, JS)': [],
      'finish txn (lock … commit)': [],
      'finish commit → next job active (addBulk + BullMQ fetch)': [],
      'job active → claim statement starts': [],
      'claim statement': [],
      'claim done → step starts (specs, ctx)': [],
    }
    const finishCounts: number[] = []
    const claimCounts: number[] = []
    const perStatement = new Map<string, number[]>()
    const pad = (i: number) => `s${String(i).padStart(2, '0')}`
    const activeBy = new Map(actives.map((a) => [`${a.runId}.${a.stepId}`, a.at]))
    for (const [runId, steps] of stepTimes) {
      const byIndex = new Map(steps.map((s) => [s.i, s]))
      for (let i = 0; i + 1 < chainLength; i++) {
        const from = byIndex.get(i)
        const to = byIndex.get(i + 1)
        const active = activeBy.get(`${runId}.${pad(i + 1)}`)
        if (!from || !to || active === undefined) continue
        const inWindow = queries.filter(
          (q) =>
            q.start >= from.end &&
            q.end <= to.start &&
            !q.sql.startsWith('update "attempts" set "heartbeat_at"'),
        )
        // The finish is one transaction; the claim one statement (claim-step.ts).
        const isClaim = (q: Query) => q.sql.includes('as t (step_run_id, run_id, attempt, attempt_id)')
        const finishBegin = inWindow.find((q) => q.sql === 'begin')
        const finishCommit = inWindow.find((q) => q.sql === 'commit')
        const claim = inWindow.find(isClaim)
        if (!finishBegin || !finishCommit || !claim) continue
        const [claimBegin, claimCommit] = [claim, claim]
        phases['step end → finish txn begins (cost entry, JS)']?.push(finishBegin.start - from.end)
        phases['finish txn (lock … commit)']?.push(finishCommit.end - finishBegin.start)
        phases['finish commit → next job active (addBulk + BullMQ fetch)']?.push(active - finishCommit.end)
        phases['job active → claim statement starts']?.push(claimBegin.start - active)
        phases['claim statement']?.push(claimCommit.end - claimBegin.start)
        phases['claim done → step starts (specs, ctx)']?.push(to.start - claimCommit.end)
        finishCounts.push(inWindow.filter((q) => q.end <= finishCommit.end).length)
        claimCounts.push(inWindow.filter((q) => q.start >= claimBegin.start).length)
        for (const q of inWindow) {
          const key = shape(q.sql)
          push(perStatement, key, q.end - q.start)
        }
      }
    }
    console.log('W1 hand-off, phase by phase (ms):')
    for (const [name, xs] of Object.entries(phases)) console.log(`  ${name.padEnd(58)} ${stats(xs)}`)
    console.log(`  of which queue.addBulk (Redis round trip)                  ${stats(enqueues)}`)
    console.log(
      `  statements per hand-off: finish ${stats(finishCounts)}; claim ${stats(claimCounts)} (begin/commit included)`,
    )
    console.log('W1 statements (ms each, inside hand-off windows):')
    const rows = [...perStatement].sort(
      (a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0),
    )
    for (const [sql, xs] of rows) console.log(`  ${stats(xs).padEnd(44)} ${sql}`)

    // ---- W2: fan-out/fan-in at concurrency; where does the time go under load?
    queries.length = 0
    acquires.length = 0
    enqueues.length = 0
    recording = true
    const w2Runs = setting('PROFILE_W2_RUNS', 200)
    const w2 = await runW2(engine, probe, w2Runs, 50, 0)
    recording = false
    console.log(
      `W2 (instrumented, ${w2Runs} runs, worker concurrency ${concurrency}, pool ${poolSize}): ` +
        `${Math.round(w2.stepsPerSecond)} steps/s; CPU ${(w2.cpuCores * 100).toFixed(0)}% of a core`,
    )
    const steps = w2.steps
    console.log(
      `  worker statements: ${queries.length} (${(queries.length / steps).toFixed(1)} per step); ` +
        `pool acquire wait ${stats(acquires)}`,
    )
    console.log(`  queue.addBulk ${stats(enqueues)}`)
    const w2Statements = new Map<string, number[]>()
    for (const q of queries) {
      const key = shape(q.sql)
      push(w2Statements, key, q.end - q.start)
    }
    const total = queries.reduce((a, q) => a + (q.end - q.start), 0)
    console.log(`  sum of statement time ${(total / 1000).toFixed(1)} s over ${w2.seconds.toFixed(1)} s wall`)
    const w2Rows = [...w2Statements].sort(
      (a, b) => b[1].reduce((x, y) => x + y, 0) - a[1].reduce((x, y) => x + y, 0),
    )
    for (const [sql, xs] of w2Rows.slice(0, 16)) {
      const sum = xs.reduce((a, b) => a + b, 0)
      console.log(`  ${(sum / 1000).toFixed(2).padStart(6)} s  ${stats(xs).padEnd(44)} ${sql}`)
    }
  } finally {
    await engine.close()
    await deleteKeys(prefix)
  }
}

await main()
