// Where Steward's hand-off goes: W1 and W2 through the real worker, with every SQL statement of the
// worker timed (Kysely's query log), the wait for a pooled connection timed, and BullMQ's `active`
// event marking when the next step's job reached the worker. Not part of `npm run bench`:
//   node --import tsx scripts/bench/engine/profile-steward.ts
// PROFILE_W1_RUNS (100), PROFILE_W2_RUNS (200), PROFILE_POOL (10), PROFILE_CONCURRENCY (50);
// PROFILE_CPU=file.cpuprofile writes a V8 CPU profile of this process during W2 alone.
// PROFILE_NAMED_STATEMENTS=off, PROFILE_DEFER_BEGIN=off: the worker's dialect without that saving.

import { readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { type Database, StewardDialect, type StewardPool } from '@steward/db'
import { Redis } from 'ioredis'
import { Kysely } from 'kysely'
import pg from 'pg'
import { now, Probe, percentile } from './probe.ts'
import { deleteKeys } from './services.ts'
import { openSteward } from './steward.ts'
import { chainLength, runW1, runW2 } from './workloads.ts'

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const text = (name: string): string | undefined => process.env[name] || undefined

interface Query {
  start: number
  end: number
  sql: string
}

const shape = (sql: string) => {
  const flat = sql
    .replace(/\s+/g, ' ')
    .replace(/'\{[^}]*\}'/g, "'{…}'")
    .trim()
  const values = flat.indexOf(' values ')
  return (values > 0 ? flat.slice(0, values) : flat).slice(0, 90)
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** user + system CPU seconds of processes (PostgreSQL backends, Redis), from /proc; 0 for gone ones. */
function cpuSeconds(pids: readonly number[]): number {
  let ticks = 0
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      ticks += Number(fields[11]) + Number(fields[12])
    } catch {}
  }
  return ticks / 100
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
  /** Steps the worker's finishes put on the queue (the rest ran where they were made ready). */
  let enqueuedJobs = 0
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

  let databaseUrl = ''
  const engine = await openSteward(probe, {
    prefix,
    concurrency,
    poolSize,
    async openWorkerDb(url) {
      databaseUrl = url
      const pool = new pg.Pool({ connectionString: url, max: poolSize })
      pool.on('error', () => {})
      // The wait for a pooled connection, timed.
      const timedPool: StewardPool = {
        async connect() {
          const t = now()
          const client = await pool.connect()
          if (recording) acquires.push(now() - t)
          return client
        },
        end: () => pool.end(),
      }
      const db = new Kysely<Database>({
        // As `createDb` does on PostgreSQL.
        dialect: new StewardDialect({
          pool: timedPool,
          namedStatements: text('PROFILE_NAMED_STATEMENTS') !== 'off',
          deferBegin: text('PROFILE_DEFER_BEGIN') !== 'off',
        }),
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
          if (recording) {
            enqueues.push(now() - t)
            enqueuedJobs += jobs.length
          }
        }
      }
    },
  })
  try {
    // ---- W1: one run at a time; every hand-off's window holds one finish, one enqueue, one claim.
    await runW1(engine, probe, 5, 0)
    recording = true
    const w1 = await runW1(engine, probe, setting('PROFILE_W1_RUNS', 100), 0)
    recording = false
    console.log(`W1 (instrumented): hand-off p50 ${fmt(w1.p50)} ms, p95 ${fmt(w1.p95)}, p99 ${fmt(w1.p99)}`)
    // Since the local hand-off, a chain's next step is claimed by the finishing transaction of the
    // previous one and runs in the same job: the window holds that transaction alone.
    const phases = new Map<string, number[]>()
    const perStatement = new Map<string, number[]>()
    const counts: number[] = []
    for (const [, steps] of stepTimes) {
      const byIndex = new Map(steps.map((s) => [s.i, s]))
      for (let i = 0; i + 1 < chainLength; i++) {
        const from = byIndex.get(i)
        const to = byIndex.get(i + 1)
        if (!from || !to) continue
        const inWindow = queries
          .filter(
            (q) =>
              q.start >= from.end &&
              q.end <= to.start &&
              !q.sql.startsWith('update "attempts" set "heartbeat_at"'),
          )
          .sort((a, b) => a.start - b.start)
        if (inWindow.length === 0) continue
        counts.push(inWindow.length)
        let at = from.end
        inWindow.forEach((q, k) => {
          const label = `${String(k).padStart(2)} ${shape(q.sql).slice(0, 60)}`
          push(phases, `${label} (gap before)`, q.start - at)
          push(phases, label, q.end - q.start)
          at = q.end
        })
        push(phases, 'zz last statement end → next step starts', to.start - at)
        for (const q of inWindow) push(perStatement, shape(q.sql), q.end - q.start)
      }
    }
    console.log(`W1 hand-off, statement by statement (ms); statements per hand-off ${stats(counts)}:`)
    for (const [name, xs] of [...phases].sort((a, b) => a[0].localeCompare(b[0])))
      console.log(`  ${name.padEnd(80)} ${stats(xs)}`)
    console.log(`  queue.addBulk ${stats(enqueues)}`)

    // ---- W2: fan-out/fan-in at concurrency; where does the time go under load?
    queries.length = 0
    acquires.length = 0
    enqueues.length = 0
    enqueuedJobs = 0
    recording = true
    const w2Runs = setting('PROFILE_W2_RUNS', 200)
    // The database's CPU: this database's backends (the worker's pool, the driver's, BullMQ's).
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    const backends = async () =>
      (
        await admin.query<{ pid: number }>(
          'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
        )
      ).rows.map((row) => row.pid)
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
    const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1])
    redis.disconnect()
    const before = new Map((await backends()).map((pid) => [pid, cpuSeconds([pid])]))
    const redisBefore = cpuSeconds([redisPid])
    const cpuProfile = text('PROFILE_CPU')
    const inspector = cpuProfile ? new Session() : undefined
    if (inspector) {
      inspector.connect()
      await inspector.post('Profiler.enable')
      await inspector.post('Profiler.start')
    }
    const w2 = await runW2(engine, probe, w2Runs, 50, 0)
    if (inspector && cpuProfile) {
      const { profile } = await inspector.post('Profiler.stop')
      writeFileSync(cpuProfile, JSON.stringify(profile))
      inspector.disconnect()
    }
    recording = false
    const pidsAfter = await backends()
    // Backends that closed during the run are missed: the pools keep theirs for this long a run.
    const dbCpu = pidsAfter.reduce((sum, pid) => sum + cpuSeconds([pid]) - (before.get(pid) ?? 0), 0)
    const redisCpu = cpuSeconds([redisPid]) - redisBefore
    await admin.end()
    console.log(
      `  CPU per step (ms): worker process ${fmt((w2.cpuSeconds * 1000) / w2.steps)}, ` +
        `PostgreSQL backends ${fmt((dbCpu * 1000) / w2.steps)} (${pidsAfter.length} backends), ` +
        `Redis ${fmt((redisCpu * 1000) / w2.steps)} (whole server)`,
    )
    console.log(
      `W2 (instrumented, ${w2Runs} runs, worker concurrency ${concurrency}, pool ${poolSize}): ` +
        `${Math.round(w2.stepsPerSecond)} steps/s; CPU ${(w2.cpuCores * 100).toFixed(0)}% of a core`,
    )
    const steps = w2.steps
    console.log(
      `  worker statements: ${queries.length} (${(queries.length / steps).toFixed(1)} per step); ` +
        `pool acquire wait ${stats(acquires)}`,
    )
    console.log(`  queue.addBulk ${stats(enqueues)}, ${enqueuedJobs} steps enqueued by finishes`)
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
