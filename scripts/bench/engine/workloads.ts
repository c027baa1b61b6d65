// The two workloads, the same for every engine, and what they measure.
import { cpus } from 'node:os'
import { now, type Probe, percentile } from './probe.ts'

/** W1: a chain of this many steps. */
export const chainLength = 10
/** W2: A, then this many B in parallel, then C. */
export const fanWidth = 20
export const fanSteps = fanWidth + 2

export interface Engine {
  readonly label: string
  /** Runs one W1 chain to its end: its last step ran and the engine recorded the run's end. */
  chain(index: number): Promise<void>
  /** Starts one W2 run and resolves when its C ran. */
  fan(index: number): Promise<void>
  /** After the last W2 run: waits until the engine has recorded every run's end. */
  settle?(): Promise<void>
  close(): Promise<void>
}

export interface W1Result {
  runs: number
  handoffs: number
  p50: number
  p95: number
  p99: number
  max: number
  seconds: number
}

export interface W2Result {
  runs: number
  steps: number
  seconds: number
  stepsPerSecond: number
  runsPerMinute: number
  /** user + system CPU of this process, seconds, and as a share of one core over the wall time. */
  cpuSeconds: number
  cpuCores: number
  /** Busy share of the whole machine (every core, every process: Redis and PostgreSQL too). */
  machineBusy: number
  rssPeakMb: number
  rssStartMb: number
}

export async function runW1(engine: Engine, probe: Probe, runs: number, warmup: number): Promise<W1Result> {
  probe.reset(false)
  for (let i = 0; i < warmup; i++) await engine.chain(-1 - i)
  probe.reset(true)
  const started = now()
  for (let i = 0; i < runs; i++) await engine.chain(i)
  const seconds = (now() - started) / 1000
  const expected = runs * chainLength
  if (probe.steps !== expected)
    throw new Error(`${engine.label} W1 ran ${probe.steps} steps, not ${expected}`)
  const handoffs = probe.handoffs(chainLength).sort((a, b) => a - b)
  return {
    runs,
    handoffs: handoffs.length,
    p50: percentile(handoffs, 0.5),
    p95: percentile(handoffs, 0.95),
    p99: percentile(handoffs, 0.99),
    max: handoffs[handoffs.length - 1] ?? Number.NaN,
    seconds,
  }
}

export async function runW2(
  engine: Engine,
  probe: Probe,
  runs: number,
  concurrency: number,
  warmup: number,
): Promise<W2Result> {
  probe.reset(false)
  await Promise.all(Array.from({ length: Math.min(warmup, runs) }, (_, i) => engine.fan(-1 - i)))
  await engine.settle?.()
  probe.reset(false)
  const sampler = startSampler()
  const started = now()
  let next = 0
  const lane = async () => {
    while (next < runs) {
      const index = next++
      await engine.fan(index)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, runs) }, lane))
  await engine.settle?.()
  const seconds = (now() - started) / 1000
  const usage = sampler.stop()
  const expected = runs * fanSteps
  if (probe.steps !== expected)
    throw new Error(`${engine.label} W2 ran ${probe.steps} steps, not ${expected}`)
  return {
    runs,
    steps: probe.steps,
    seconds,
    stepsPerSecond: probe.steps / seconds,
    runsPerMinute: runs / (seconds / 60),
    cpuSeconds: usage.cpuSeconds,
    cpuCores: usage.cpuSeconds / seconds,
    machineBusy: usage.machineBusy,
    rssPeakMb: usage.rssPeak / 2 ** 20,
    rssStartMb: usage.rssStart / 2 ** 20,
  }
}

function machineTimes(): { busy: number; total: number } {
  let busy = 0
  let total = 0
  for (const cpu of cpus()) {
    const t = cpu.times
    const all = t.user + t.nice + t.sys + t.idle + t.irq
    total += all
    busy += all - t.idle
  }
  return { busy, total }
}

function startSampler() {
  const cpu = process.cpuUsage()
  const machine = machineTimes()
  const rssStart = process.memoryUsage().rss
  let rssPeak = rssStart
  const timer = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
  }, 20)
  // A W2 that fails never calls stop(): the sampler must not keep the process alive.
  timer.unref()
  return {
    stop() {
      clearInterval(timer)
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss)
      const used = process.cpuUsage(cpu)
      const after = machineTimes()
      const total = after.total - machine.total
      return {
        cpuSeconds: (used.user + used.system) / 1e6,
        machineBusy: total > 0 ? (after.busy - machine.busy) / total : Number.NaN,
        rssPeak,
        rssStart,
      }
    },
  }
}
