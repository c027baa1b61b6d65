/**
 * A worker's step slots (`concurrency`): the queue's jobs it is processing, and the steps it
 * claimed in a finishing transaction to run beside the job that made them ready (a fan-out's
 * siblings), each of which holds one more slot until it and its chain end.
 *
 * Steps are claimed that way only into slots free at that moment, so a busy worker leaves a
 * fan-out to the queue and the other workers. BullMQ's own limit stays at `concurrency` jobs (a
 * limit lowered and raised again would leave its fetch loop idle until one of its jobs ended), so
 * jobs it takes while such steps run can briefly put the worker above `concurrency`; it claims
 * nothing more until it is back under.
 */
export class LocalSlots {
  private jobs = 0
  private extras = 0

  constructor(readonly concurrency: number) {}

  /** Slots neither a job nor a locally claimed step holds. */
  get free(): number {
    return Math.max(0, this.concurrency - this.jobs - this.extras)
  }

  /** Runs a queue job in one slot. */
  async job<T>(work: () => Promise<T>): Promise<T> {
    this.jobs += 1
    try {
      return await work()
    } finally {
      this.jobs -= 1
    }
  }

  /** Counts `n` steps claimed to run beside their job; `release` once each ends. */
  take(n: number): void {
    this.extras += n
  }

  release(): void {
    this.extras -= 1
  }
}
