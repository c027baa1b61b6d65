/**
 * What a worker still has under way outside its queue jobs: step ends handed to a finishing group
 * and not yet recorded, and the steps those groups claimed to run here. A graceful close waits for
 * all of it (`drain`), including what it starts meanwhile.
 */
export class PendingWork {
  private readonly pending = new Set<Promise<unknown>>()

  get size(): number {
    return this.pending.size
  }

  track(work: Promise<unknown>): void {
    this.pending.add(work)
    const forget = () => {
      this.pending.delete(work)
    }
    work.then(forget, forget)
  }

  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
  }
}
