// Retention (issue 18, "Retention"): prune BENCH_PRUNE_RUNS (1,000,000) old runs with `pruneRuns`
// while W1 (a 10-step chain, runs one at a time, see engine.bench.ts) runs beside it on the same
// PostgreSQL and Redis, and report the hand-off p99 before and during the prune: a prune must not
// hold locks or I/O that the hot statements wait on.
// Sizes: BENCH_PRUNE_RUNS (1,000,000 runs that ended 200 days ago, each with BENCH_PRUNE_STEPS
// step runs (3), an attempt and a log line per step run), BENCH_W1_RUNS (200 runs per W1 round),
// BENCH_WARMUP (5), BENCH_PRUNE_BATCH (500 runs per transaction).
import { loadavg } from 'node:os'
import { createDb } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { pruneRuns } from '@steward/engine'
import { sql } from 'kysely'
import { now, Probe, percentile } from './engine/probe.ts'
import { deleteKeys, redisProblem } from './engine/services.ts'
import { openSteward } from './engine/steward.ts'
import { runW1, type W1Result } from './engine/workloads.ts'

const int = (name: string, fallback: number): number => {
  const raw = process.env[name] || undefined
  const value = Number(raw ?? fallback)
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got ${raw}`)
  return value
}

/**
 * Old runs of the chain pipeline straight in SQL, a chunk per statement: runs that ended 200 days
 * ago, their step runs, one attempt and one log line each (what the run trigger deletes).
 */
async function seedOldRuns(database: TestDatabase, runs: number, steps: number): Promise<void> {
  const chunk = 50_000
  for (let from = 0; from < runs; from += chunk) {
    const n = Math.min(chunk, runs - from)
    await sql`
      with r as (
        insert into runs (id, pipeline_id, product_id, pipeline_version, status, trigger, params,
          created_at, started_at, finished_at)
        select gen_random_uuid(), 'bench.w1-chain', 'bench', 1, 'succeeded', 'manual', '{}'::jsonb,
          now() - interval '200 days' - make_interval(secs => g), now() - interval '200 days' - make_interval(secs => g),
          now() - interval '200 days' - make_interval(secs => g)
        from generate_series(1, ${n}) g
        returning id, finished_at
      ),
      s as (
        insert into step_runs (id, run_id, step_id, status, needs, attempt_count, max_attempts,
          queued_at, started_at, finished_at)
        select gen_random_uuid(), r.id, 's' || lpad(k::text, 2, '0'), 'succeeded', '{}', 1, 1,
          r.finished_at, r.finished_at, r.finished_at
        from r cross join generate_series(0, ${steps - 1}) k
        returning id, run_id, finished_at
      ),
      a as (
        insert into attempts (id, step_run_id, run_id, number, status, worker_id, started_at, finished_at)
        select gen_random_uuid(), s.id, s.run_id, 1, 'succeeded', 'seed', s.finished_at, s.finished_at from s
        returning id, step_run_id, run_id, finished_at
      )
      insert into logs (run_id, step_run_id, attempt_id, level, message, at)
      select a.run_id, a.step_run_id, a.id, 'info', 'done', a.finished_at from a`.execute(database.db)
  }
  await sql`analyze runs, step_runs, attempts, logs`.execute(database.db)
}

const ms = (x: number) => `${x.toFixed(1)} ms`
const describe = (w: W1Result) =>
  `p50 ${ms(w.p50)}, p95 ${ms(w.p95)}, p99 ${ms(w.p99)}, max ${ms(w.max)} (${w.handoffs} hand-offs)`

export async function run() {
  const pruneRunCount = int('BENCH_PRUNE_RUNS', 1_000_000)
  const stepsPerRun = Math.max(1, int('BENCH_PRUNE_STEPS', 3))
  const w1Runs = Math.max(1, int('BENCH_W1_RUNS', 200))
  const warmup = int('BENCH_WARMUP', 5)
  const batch = Math.max(1, int('BENCH_PRUNE_BATCH', 500))
  const prefix = `{steward-bench-prune-${process.pid}}`
  const problem = await redisProblem()
  if (problem) {
    console.log(`Redis unusable (${problem}): no figures.`)
    return
  }

  const probe = new Probe()
  let database: TestDatabase | undefined
  const seedStarted = now()
  const engine = await openSteward(probe, {
    prefix,
    concurrency: 50,
    poolSize: undefined,
    onDeployed: async (opened) => {
      database = opened
      await seedOldRuns(opened, pruneRunCount, stepsPerRun)
    },
  })
  try {
    if (!database) throw new Error('the bench database was not opened')
    console.log(
      `seeded ${pruneRunCount.toLocaleString('en-US')} old runs × ${stepsPerRun} step runs (with attempts and logs) in ${((now() - seedStarted) / 1000).toFixed(0)} s; load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}`,
    )
    const before = await runW1(engine, probe, w1Runs, warmup)
    console.log(`W1 before the prune: ${describe(before)}`)

    // The pruner has a pool of its own, as in the leader process that runs it.
    const pruneDb = await createDb(database.url, { embeddedDataDir: '', poolSize: 2 })
    const pruneStarted = now()
    let pruned = 0
    let pruneDone = false
    const pruning = pruneRuns(pruneDb.db, {
      endedBefore: new Date(Date.now() - 90 * 86_400_000),
      batch,
      onBatch: (n) => {
        pruned += n
      },
    }).finally(() => {
      pruneDone = true
    })
    const rounds: W1Result[] = []
    try {
      while (!pruneDone) {
        const round = await runW1(engine, probe, w1Runs, 0)
        rounds.push(round)
        console.log(
          `W1 during the prune, round ${rounds.length} (${pruned.toLocaleString('en-US')} runs pruned so far): ${describe(round)}`,
        )
      }
      await pruning
    } finally {
      await pruneDb.close()
    }
    const pruneSeconds = (now() - pruneStarted) / 1000
    console.log(
      `prune: ${pruned.toLocaleString('en-US')} runs in ${pruneSeconds.toFixed(1)} s (${Math.round(pruned / pruneSeconds).toLocaleString('en-US')} runs/s, batches of ${batch})`,
    )
    const p99s = rounds.map((r) => r.p99).sort((a, b) => a - b)
    console.log(
      `W1 hand-off p99: before ${ms(before.p99)}; during the prune median of ${rounds.length} rounds ${ms(percentile(p99s, 0.5))}, worst ${ms(p99s[p99s.length - 1] ?? Number.NaN)}`,
    )
    const left = await sql<{
      n: string
    }>`select count(*) as n from runs where finished_at < now() - interval '90 days'`.execute(database.db)
    console.log(`old runs left: ${left.rows[0]?.n}`)
  } finally {
    await engine.close()
    await deleteKeys(prefix).catch(() => {})
  }
}
