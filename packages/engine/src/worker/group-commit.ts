/** One item's answer from a group: its value, or the error that concerns it alone. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

interface Waiting<I, O> {
  item: I
  resolve: (value: O) => void
  reject: (error: unknown) => void
}

export interface GroupCommitOptions {
  /** Most items handed to one call of the work. */
  maxGroup: number
  /** Calls of the work running at once; items arriving meanwhile wait and go together in the next. */
  maxInFlight: number
}

/**
 * Group commit: the concurrent jobs of one worker hand their item to `submit` and await their own
 * answer, while the work runs on groups of items (one SQL statement or transaction for all). An item
 * arriving when a call is free starts one at once, so a lone job waits for nothing; under load the
 * items that arrive while calls are busy form the next group, which amortises round trips and
 * commits over the jobs in flight without a timer.
 */
export class GroupCommit<I, O> {
  private readonly waiting: Waiting<I, O>[] = []
  private inFlight = 0

  constructor(
    private readonly work: (items: I[]) => Promise<Settled<O>[]>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject })
      this.pump()
    })
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.options.maxGroup)
      this.inFlight += 1
      this.work(group.map((entry) => entry.item))
        .then(
          (answers) =>
            group.forEach((entry, i) => {
              const answer = answers[i]
              if (!answer) entry.reject(new Error('group commit: no answer for an item'))
              else if (answer.ok) entry.resolve(answer.value)
              else entry.reject(answer.error)
            }),
          (error: unknown) => {
            for (const entry of group) entry.reject(error)
          },
        )
        .finally(() => {
          this.inFlight -= 1
          this.pump()
        })
    }
  }
}

/**
 * Runs `work` on all items; if it fails for a reason other than one a retry fixes, runs it again on
 * each item alone, so a single bad item fails only its own job. `work` answers one value per item,
 * in order.
 */
export async function groupOrEach<I, O>(
  items: I[],
  work: (items: I[]) => Promise<O[]>,
): Promise<Settled<O>[]> {
  try {
    const values = await work(items)
    return values.map((value) => ({ ok: true, value }))
  } catch (error) {
    if (items.length === 1) return [{ ok: false, error }]
    return Promise.all(items.map((item) => alone(item, work)))
  }
}

async function alone<I, O>(item: I, work: (items: I[]) => Promise<O[]>): Promise<Settled<O>> {
  try {
    const values = await work([item])
    if (values.length !== 1) throw new Error(`group commit: ${values.length} answers for one item`)
    return { ok: true, value: values[0] as O }
  } catch (error) {
    return { ok: false, error }
  }
}
