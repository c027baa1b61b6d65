// Retention (issue 18, "Retention"): prune BENCH_PRUNE_RUNS (1,000,000) old runs with `pruneRuns`
// while W1 (a 10-step chain, runs one at a time, see engine.bench.ts) runs beside it on the same
// PostgreSQL and Redis, and report the hand-off p99 before and during the prune: a prune must not
// hold locks or I/O that the hot statements wait on.
// Sizes: BENCH_PRUNE_RUNS (1,000,000 runs that ended 200 days ago, each with BENCH_PRUNE_STEPS
// step runs (3), an attempt and a log line per step run), BENCH_W1_RUNS (200 runs per W1 round),
// BENCH_WARMUP (5), BENCH_PRUNE_BATCH (500 runs per transaction), BENCH_PRUNE_MAX_SECONDS (stop
// the prune after this long and report what it did; 0, the default: no limit).
// BENCH_PRUNE_DATABASE_URL: prune an existing database instead (a copy of `seed:large`'s, made
// with `createdb -T steward_large steward_prune`): every run that ended before the bench started
// goes, and the database is left as the prune leaves it. The seed:large database itself is refused.
import { loadavg } from 'node:os'
import { createDb } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { countPrunableRuns, pruneRuns } from '@steward/engine'
import { redactUrl } from '@steward/kernel'
import { sql } from 'kysely'
import { largeDefaults } from '../seed/large.ts'
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

/** Whether two PostgreSQL URLs name the same database on the same server. */
function sameDatabase(a: string, b: string): boolean {
  const [x, y] = [new URL(a), new URL(b)]
  const host = (u: URL) => (u.hostname === 'localhost' ? '127.0.0.1' : u.hostname)
  return host(x) === host(y) && (x.port || '5432') === (y.port || '5432') && x.pathname === y.pathname
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
  const maxSeconds = int('BENCH_PRUNE_MAX_SECONDS', 0)
  const existingUrl = process.env.BENCH_PRUNE_DATABASE_URL?.trim() || undefined
  if (existingUrl && sameDatabase(existingUrl, largeDefaults.url)) {
    throw new Error(
      'BENCH_PRUNE_DATABASE_URL names the seed:large database itself: prune a copy (createdb -T steward_large steward_prune)',
    )
  }
  const prefix = `{steward-bench-prune-${process.pid}}`
  const problem = await redisProblem()
  if (problem) {
    console.log(`Redis unusable (${problem}): no figures.`)
    return
  }

  const probe = new Probe()
  let database: TestDatabase | undefined
  const seedStarted = now()
  // Runs that ended before this instant go: 90 days ago for the seeded ones (200 days old), the
  // bench's start on an existing database (every ended run it holds, none of W1's).
  const cutoff = existingUrl ? new Date() : new Date(Date.now() - 90 * 86_400_000)
  const existing = existingUrl ? await createDb(existingUrl, { embeddedDataDir: '' }) : undefined
  const engine = await openSteward(probe, {
    prefix,
    concurrency: 50,
    poolSize: undefined,
    ...(existing && existingUrl
      ? { database: { ...existing, url: existingUrl, dispose: () => existing.close() } }
      : {}),
    onDeployed: async (opened) => {
      database = opened
      if (!existing) await seedOldRuns(opened, pruneRunCount, stepsPerRun)
    },
  })
  try {
    if (!database) throw new Error('the bench database was not opened')
    const prunable = await countPrunableRuns(database.db, cutoff)
    const load = loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')
    console.log(
      existing
        ? `database ${redactUrl(existingUrl ?? '')}: ${prunable.toLocaleString('en-US')} runs ended before ${cutoff.toISOString()}; load average ${load}`
        : `seeded ${pruneRunCount.toLocaleString('en-US')} old runs × ${stepsPerRun} step runs (with attempts and logs) in ${((now() - seedStarted) / 1000).toFixed(0)} s; load average ${load}`,
    )
    const before = await runW1(engine, probe, w1Runs, warmup)
    console.log(`W1 before the prune: ${describe(before)}`)

    // The pruner has a pool of its own, as in the leader process that runs it.
    const pruneDb = await createDb(database.url, { embeddedDataDir: '', poolSize: 2 })
    const pruneStarted = now()
    let pruned = 0
    let pruneDone = false
    const stop = new AbortController()
    const timer = maxSeconds > 0 ? setTimeout(() => stop.abort(), maxSeconds * 1000) : undefined
    const pruning = pruneRuns(pruneDb.db, {
      endedBefore: cutoff,
      batch,
      signal: stop.signal,
      onBatch: (n) => {
        pruned += n
      },
    }).finally(() => {
      pruneDone = true
      clearTimeout(timer)
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
      `prune: ${pruned.toLocaleString('en-US')} runs in ${pruneSeconds.toFixed(1)} s (${Math.round(pruned / pruneSeconds).toLocaleString('en-US')} runs/s, batches of ${batch})${stop.signal.aborted ? `, stopped after ${maxSeconds} s` : ''}`,
    )
    const p99s = rounds.map((r) => r.p99).sort((a, b) => a - b)
    const during = percentile(p99s, 0.5)
    const worst = p99s[p99s.length - 1] ?? Number.NaN
    console.log(
      `W1 hand-off p99: before ${ms(before.p99)}; during the prune median of ${rounds.length} rounds ${ms(during)}, worst ${ms(worst)}`,
    )
    const left = await countPrunableRuns(database.db, cutoff)
    console.log(`runs left that ended before the cut-off: ${left.toLocaleString('en-US')}`)
    console.log(
      JSON.stringify({
        bench: 'prune',
        database: existing ? 'copy of seed:large' : 'seeded',
        prunable,
        pruned,
        left,
        seconds: Math.round(pruneSeconds * 10) / 10,
        batch,
        stopped: stop.signal.aborted,
        handoffP99Ms: { before: before.p99, duringMedian: during, duringWorst: worst },
        rounds: rounds.length,
      }),
    )
  } finally {
    await engine.close()
    await deleteKeys(prefix).catch(() => {})
  }
}
