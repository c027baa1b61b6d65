// What every engine's no-op step calls: timestamps for hand-off latency (W1), a step count, and
// the completion of a run (its last step ran) for the drivers that wait on it.

export const now = () => performance.timeOrigin + performance.now()

interface Deferred {
  promise: Promise<void>
  resolve: () => void
}

function deferred(): Deferred {
  let resolve = () => {}
  const promise = new Promise<void>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

export class Probe {
  /** Steps run since the last `reset()`, every engine and run together. */
  steps = 0
  private keepTimes = false
  private readonly starts = new Map<string, number[]>()
  private readonly ends = new Map<string, number[]>()
  private readonly done = new Map<string, Deferred>()

  reset(keepTimes: boolean): void {
    this.steps = 0
    this.keepTimes = keepTimes
    this.starts.clear()
    this.ends.clear()
    this.done.clear()
  }

  /** The body of a no-op step: index `i` of run `runKey`; `last` resolves the run's completion. */
  step(runKey: string, i: number, last: boolean): void {
    const started = now()
    // (no work)
    const ended = now()
    this.steps += 1
    if (this.keepTimes) {
      slot(this.starts, runKey)[i] = started
      slot(this.ends, runKey)[i] = ended
    }
    if (last) this.completion(runKey).resolve()
  }

  /** Resolves once the run's last step ran (whether asked before or after it did). */
  completion(runKey: string): Deferred {
    let entry = this.done.get(runKey)
    if (!entry) {
      entry = deferred()
      this.done.set(runKey, entry)
    }
    return entry
  }

  async waitFor(runKey: string, timeoutMs = 60_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`run ${runKey} did not finish in ${timeoutMs} ms`)),
        timeoutMs,
      )
    })
    try {
      await Promise.race([this.completion(runKey).promise, timeout])
    } finally {
      clearTimeout(timer)
      this.done.delete(runKey)
    }
  }

  /** Hand-offs of every chain recorded: step i's end to step i+1's start, in ms. */
  handoffs(chainLength: number): number[] {
    const out: number[] = []
    for (const [runKey, starts] of this.starts) {
      const ends = this.ends.get(runKey) ?? []
      for (let i = 0; i + 1 < chainLength; i++) {
        const end = ends[i]
        const start = starts[i + 1]
        if (end !== undefined && start !== undefined) out.push(start - end)
      }
    }
    return out
  }
}

function slot(map: Map<string, number[]>, key: string): number[] {
  let list = map.get(key)
  if (!list) {
    list = []
    map.set(key, list)
  }
  return list
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[index] ?? Number.NaN
}
