/**
 * How far ahead of its free slots a finishing group may claim steps for this worker: as many as
 * it expects to start within this time, judged by how long steps' code took here lately. A step
 * claimed ahead waits that long at most, less than a trip through the queue and a claim of its own
 * take; a worker whose steps take long claims only into free slots, and leaves the rest to others.
 */
const claimAheadMs = 50
/** The most steps claimed ahead, per slot, however short the steps. */
const maxAheadPerSlot = 20
/** Weight of the latest step in the running mean of step times. */
const meanWeight = 0.1

/**
 * A worker's step slots (`concurrency`): how many steps run their code at once in this process.
 *
 * A slot is held while a step's code runs, not while its claim or its end is being recorded: both
 * go in groups (`StepBatches`), and a slot held through those waits would sit idle. A claimed step
 * waits for a slot in claim order (BullMQ bounds the queue jobs in flight to `concurrency`).
 *
 * A finishing group claims the steps it made ready (a chain's next link, a fan-out's siblings) to
 * run here only up to `claimable`, and leaves the rest to the queue and any worker: the free slots,
 * and as many more as it expects to start within `claimAheadMs`. Once closing, it claims nothing
 * more.
 */
export class LocalSlots {
  private held = 0
  private closing = false
  private readonly waiting: (() => void)[] = []
  /** Running mean of the time steps' code took here, ms; unknown until the first one ends. */
  private meanStepMs = Number.POSITIVE_INFINITY

  constructor(readonly concurrency: number) {}

  /** Steps a finishing group may claim to run here now. */
  get claimable(): number {
    if (this.closing) return 0
    const ahead = Math.min(
      maxAheadPerSlot * this.concurrency,
      Math.floor((this.concurrency * claimAheadMs) / Math.max(this.meanStepMs, 0.01)),
    )
    return Math.max(0, this.concurrency + ahead - this.held - this.waiting.length)
  }

  /** Holds a slot for a claimed step, once one is free. */
  acquire(): Promise<void> {
    if (this.held < this.concurrency) {
      this.held += 1
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.held += 1
        resolve()
      })
    })
  }

  /** Gives a slot back once a step's code returned, after `ms`. */
  release(ms: number): void {
    this.meanStepMs = Number.isFinite(this.meanStepMs)
      ? this.meanStepMs + meanWeight * (ms - this.meanStepMs)
      : ms
    this.held -= 1
    while (this.held < this.concurrency && this.waiting.length > 0) this.waiting.shift()?.()
  }

  /** Claims nothing more into this worker (it is shutting down). */
  close(): void {
    this.closing = true
  }
}
