// The engine: the same workloads of no-op steps through Steward and the queues it is measured
// against, in one run, on the machine's Redis and PostgreSQL (issue 3, "Benchmark").
// W1: a 10-step chain, runs one at a time: hand-off latency (a step's end to its successor's start).
// W2: A → 20 parallel B → C, runs at concurrency 50: steps/s, runs/min, CPU and peak RSS; each
// engine runs it BENCH_W2_ROUNDS times (3) and its median round counts: one round lasts 1–3 s, and
// back-to-back rounds on this shared 2-core machine differ by ±15 %.
// Peers: bare BullMQ (the floor of Steward's stack), and the durable engines on PostgreSQL a
// TypeScript team would pick instead: graphile-worker, pg-boss and DBOS Transact.
// Sizes: BENCH_W1_RUNS (200), BENCH_W2_RUNS (500), BENCH_W2_CONCURRENCY (50 runs in flight),
// BENCH_WORKER_CONCURRENCY (50 jobs per worker), BENCH_WARMUP (5), BENCH_STEWARD_POOL (Steward's
// SQL pool; default what createDb ships), BENCH_ENGINES (e.g. `steward,bullmq`; of steward,
// steward_pg, bullmq, graphile, pgboss, dbos; default all).
import { cpus, loadavg } from 'node:os'
import { openBullmq } from './engine/bullmq.ts'
import { openDbos } from './engine/dbos.ts'
import { openGraphile } from './engine/graphile.ts'
import { openPgboss } from './engine/pgboss.ts'
import { Probe } from './engine/probe.ts'
import { deleteKeys, redisProblem } from './engine/services.ts'
import { openSteward } from './engine/steward.ts'
import {
  chainLength,
  type Engine,
  fanSteps,
  fanWidth,
  runW1,
  runW2,
  type W1Result,
  type W2Result,
} from './engine/workloads.ts'

/** A benchmark setting from the environment (read by name: none of them is a turbo task's input). */
const setting = (name: string): string | undefined => process.env[name] || undefined

const int = (name: string, fallback: number): number => {
  const value = Number(setting(name) ?? fallback)
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`${name} must be a whole number, got ${setting(name)}`)
  return value
}

const engineIds = ['steward', 'steward_pg', 'bullmq', 'graphile', 'pgboss', 'dbos'] as const
type EngineId = (typeof engineIds)[number]

interface Figures {
  w1?: W1Result
  w2?: W2Result
  error?: string
}

export async function run() {
  const w1Runs = int('BENCH_W1_RUNS', 200)
  const w2Runs = int('BENCH_W2_RUNS', 500)
  const w2Concurrency = Math.max(1, int('BENCH_W2_CONCURRENCY', 50))
  const w2Rounds = Math.max(1, int('BENCH_W2_ROUNDS', 3))
  const workerConcurrency = Math.max(1, int('BENCH_WORKER_CONCURRENCY', 50))
  const warmup = int('BENCH_WARMUP', 5)
  const stewardPool = setting('BENCH_STEWARD_POOL') ? int('BENCH_STEWARD_POOL', 10) : undefined
  const only = setting('BENCH_ENGINES')
    ?.split(',')
    .map((s) => s.trim())
  // A misspelt engine would otherwise measure nothing and print nulls.
  const unknownIds = only?.filter((id) => !(engineIds as readonly string[]).includes(id)) ?? []
  if (unknownIds.length > 0)
    throw new Error(`BENCH_ENGINES: unknown ${unknownIds.join(', ')} (known: ${engineIds.join(', ')})`)
  const wanted = (id: EngineId) => !only || only.includes(id)
  const prefix = `{steward-bench-${process.pid}}`

  console.log(
    `W1: ${chainLength}-step chain × ${w1Runs} runs one at a time; ` +
      `W2: A → ${fanWidth} B → C × ${w2Runs} runs, ${w2Concurrency} in flight, median of ${w2Rounds} rounds; ` +
      `workers run ${workerConcurrency} jobs at once; ${warmup} warm-up runs each (not counted). ` +
      `Redis prefix ${prefix}.`,
  )
  // The machine is shared: say how busy it was, the figures move with it.
  const load = () =>
    loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')
  console.log(`${cpus().length} cores; load average at start ${load()}`)
  const problem = await redisProblem()
  if (problem) {
    console.log(`Redis unusable (${problem}): no figures.`)
    return
  }

  const probe = new Probe()
  const results = Object.fromEntries(engineIds.map((id) => [id, {}])) as Record<EngineId, Figures>
  const measure = async (id: EngineId, open: () => Promise<Engine>) => {
    if (!wanted(id)) return
    const figures = results[id]
    let engine: Engine | undefined
    try {
      const t = performance.now()
      engine = await open()
      console.log(`[${engine.label}] ready in ${ms(performance.now() - t)}`)
      if (w1Runs > 0) {
        figures.w1 = await runW1(engine, probe, w1Runs, warmup)
        printW1(engine.label, figures.w1)
      }
      if (w2Runs > 0) {
        const rounds: W2Result[] = []
        for (let i = 0; i < w2Rounds; i++) {
          rounds.push(await runW2(engine, probe, w2Runs, w2Concurrency, i === 0 ? warmup : 0))
          printW2(engine.label, rounds[i] as W2Result, w2Rounds > 1 ? ` (round ${i + 1} of ${w2Rounds})` : '')
        }
        figures.w2 = medianRound(rounds)
        if (w2Rounds > 1)
          console.log(`[${engine.label}] W2 median round: ${Math.round(figures.w2.stepsPerSecond)} steps/s`)
      }
    } catch (error) {
      figures.error = (error as Error).message
      console.log(`[${engine?.label ?? id}] FAILED: ${figures.error}`)
    } finally {
      await engine?.close().catch((error: unknown) => console.log(`[${id}] close failed: ${String(error)}`))
      await deleteKeys(prefix).catch(() => {})
    }
  }

  try {
    await measure('steward', () =>
      openSteward(probe, { prefix, concurrency: workerConcurrency, poolSize: stewardPool }),
    )
    await measure('steward_pg', () =>
      openSteward(probe, {
        prefix,
        concurrency: workerConcurrency,
        poolSize: stewardPool,
        queue: 'postgres',
      }),
    )
    await measure('bullmq', () => openBullmq(probe, { prefix, concurrency: workerConcurrency }))
    await measure('graphile', () => openGraphile(probe, { concurrency: workerConcurrency }))
    await measure('pgboss', () => openPgboss(probe, { concurrency: workerConcurrency }))
    await measure('dbos', () => openDbos(probe, { concurrency: workerConcurrency }))
  } finally {
    await deleteKeys(prefix).catch(() => {})
  }

  const steward = results.steward
  const ratio = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b === 0 ? null : round(a / b, 3)
  const w2 = (id: EngineId) => results[id].w2?.stepsPerSecond
  const summary = {
    w1_handoff_p50_ms: num(steward.w1?.p50),
    w1_handoff_p99_ms: num(steward.w1?.p99),
    w1_handoff_p50_ms_bullmq: num(results.bullmq.w1?.p50),
    w1_handoff_p50_ms_graphile: num(results.graphile.w1?.p50),
    w1_handoff_p50_ms_pgboss: num(results.pgboss.w1?.p50),
    w1_handoff_p50_ms_dbos: num(results.dbos.w1?.p50),
    w2_steps_per_s_steward: num(w2('steward'), 1),
    w2_steps_per_s_steward_pg: num(w2('steward_pg'), 1),
    w2_steps_per_s_bullmq: num(w2('bullmq'), 1),
    w2_steps_per_s_graphile: num(w2('graphile'), 1),
    w2_steps_per_s_pgboss: num(w2('pgboss'), 1),
    w2_steps_per_s_dbos: num(w2('dbos'), 1),
    w2_ratio_vs_bullmq: ratio(w2('steward'), w2('bullmq')),
    w2_ratio_vs_graphile: ratio(w2('steward'), w2('graphile')),
  }

  console.log('')
  console.log(`load average at end ${load()}`)
  console.log('W1 hand-off p50 / p95 / p99 (ms):')
  for (const id of engineIds) {
    const w1 = results[id].w1
    if (w1) console.log(`  ${id.padEnd(10)} ${fmt(w1.p50)} / ${fmt(w1.p95)} / ${fmt(w1.p99)}`)
  }
  const w1Ratio = (other: EngineId) => ratio(steward.w1?.p50, results[other].w1?.p50)
  console.log(
    `  Steward/BullMQ p50 ×${w1Ratio('bullmq') ?? 'n/a'}, Steward/graphile-worker p50 ×${w1Ratio('graphile') ?? 'n/a'}` +
      ` (target: p50 < 5 ms → ${steward.w1 ? (steward.w1.p50 < 5 ? 'met' : 'NOT met') : 'n/a'})`,
  )
  console.log('W2 steps/s:')
  console.log(`  steward    ${summary.w2_steps_per_s_steward ?? 'n/a'}`)
  console.log(`  steward_pg ${summary.w2_steps_per_s_steward_pg ?? 'n/a'}`)
  console.log(`  bullmq     ${summary.w2_steps_per_s_bullmq ?? 'n/a'}`)
  console.log(`  graphile   ${summary.w2_steps_per_s_graphile ?? 'n/a'}`)
  console.log(`  pgboss     ${summary.w2_steps_per_s_pgboss ?? 'n/a'}`)
  console.log(`  dbos       ${summary.w2_steps_per_s_dbos ?? 'n/a'}`)
  const vsBull = summary.w2_ratio_vs_bullmq
  const vsGraphile = summary.w2_ratio_vs_graphile
  console.log(
    `  Steward/BullMQ ${vsBull ?? 'n/a'} (target ≥ 0.5 → ${vsBull === null ? 'n/a' : vsBull >= 0.5 ? 'met' : 'NOT met'}), ` +
      `Steward/graphile-worker ${vsGraphile ?? 'n/a'} (target > 1 → ${vsGraphile === null ? 'n/a' : vsGraphile > 1 ? 'met' : 'NOT met'})`,
  )
  console.log(JSON.stringify(summary))
}

function printW1(label: string, r: W1Result) {
  console.log(
    `[${label}] W1 ${r.runs} runs × ${chainLength} steps in ${r.seconds.toFixed(1)} s: ` +
      `hand-off p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, p99 ${fmt(r.p99)} ms, max ${fmt(r.max)} ms (${r.handoffs} hand-offs)`,
  )
}

/** The round of median throughput (the upper one of an even count). */
function medianRound(rounds: readonly W2Result[]): W2Result {
  const sorted = [...rounds].sort((a, b) => a.stepsPerSecond - b.stepsPerSecond)
  const median = sorted[Math.floor(sorted.length / 2)]
  if (!median) throw new Error('W2 ran no round')
  return median
}

function printW2(label: string, r: W2Result, round = '') {
  console.log(
    `[${label}] W2${round} ${r.runs} runs × ${fanSteps} steps in ${r.seconds.toFixed(1)} s: ` +
      `${Math.round(r.stepsPerSecond)} steps/s, ${Math.round(r.runsPerMinute)} runs/min; ` +
      `CPU ${r.cpuSeconds.toFixed(1)} s (${(r.cpuCores * 100).toFixed(0)}% of a core; machine ${(r.machineBusy * 100).toFixed(0)}% busy), ` +
      `RSS peak ${Math.round(r.rssPeakMb)} MB (${Math.round(r.rssStartMb)} MB at start)`,
  )
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits
const num = (n: number | undefined, digits = 2) =>
  n === undefined || !Number.isFinite(n) ? null : round(n, digits)
const fmt = (n: number) => n.toFixed(2)
const ms = (n: number) => `${Math.round(n)} ms`
