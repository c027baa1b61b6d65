/**
 * A step whose code took at most this long here, lately, is short: a finishing group may claim
 * it ahead of the free slots, to wait here for one instead of going through the queue.
 */
const shortStepMs = 5
/**
 * Short steps claimed ahead, per slot: at most `shortStepMs` each, they wait about 50 ms at most,
 * less than a trip through the queue and a claim of their own take under load.
 */
const aheadPerSlot = 10
/** Weight of the latest time in a step's running mean, when it is shorter than the mean. */
const meanWeight = 0.1
/** Step kinds whose times are kept; past it they are forgotten and learnt again. */
const maxKinds = 10_000

/** The kinds of step known to be short, as two arrays (pipeline id, step id) for SQL. */
export interface ShortSteps {
  pipelineIds: string[]
  stepIds: string[]
  has(pipelineId: string, stepId: string): boolean
}

/** What a finishing group may claim to run here; claiming takes from it. */
export interface ClaimBudget {
  /** Steps of any kind, into the free slots. */
  free: number
  /** More steps of a short kind (`short`), which wait here for a slot. */
  ahead: number
  short: ShortSteps
}

const kindOf = (pipelineId: string, stepId: string) => `${pipelineId}\n${stepId}`

/**
 * A worker's step slots (`concurrency`): how many steps run their code at once in this process.
 *
 * A slot is held while a step's code runs, not while its claim or its end is being recorded: both
 * go in groups (`StepBatches`), and a slot held through those waits would sit idle. A claimed step
 * waits for a slot in claim order (BullMQ bounds the queue jobs in flight to `concurrency`).
 *
 * A finishing group claims the steps it made ready (a chain's next link, a fan-out's siblings) to
 * run here only within `budget()`, and leaves the rest to the queue and any worker: any step into
 * the free slots, and steps of a kind known to be short (by pipeline and step id) up to
 * `aheadPerSlot` per slot beyond them. A step of a kind that took long, or that this worker has
 * not run yet, is never claimed ahead, so a worker never sits on long steps another could start
 * now. Once closing, it claims nothing more.
 */
export class LocalSlots {
  private held = 0
  private closing = false
  private readonly waiting: (() => void)[] = []
  /** Running mean of each step kind's time here, ms: it rises at once and falls slowly. */
  private readonly stepMs = new Map<string, number>()

  constructor(readonly concurrency: number) {}

  /** What a finishing group may claim now. */
  budget(): ClaimBudget {
    const claimed = this.held + this.waiting.length
    if (this.closing) return { free: 0, ahead: 0, short: this.shortSteps(false) }
    const free = Math.max(0, this.concurrency - claimed)
    const ahead = Math.max(0, this.concurrency * (1 + aheadPerSlot) - claimed - free)
    return { free, ahead, short: this.shortSteps(ahead > 0) }
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
  release(ms: number, pipelineId: string, stepId: string): void {
    const kind = kindOf(pipelineId, stepId)
    const mean = this.stepMs.get(kind)
    if (mean === undefined && this.stepMs.size >= maxKinds) this.stepMs.clear()
    this.stepMs.set(kind, mean === undefined || ms > mean ? ms : mean + meanWeight * (ms - mean))
    this.held -= 1
    while (this.held < this.concurrency && this.waiting.length > 0) this.waiting.shift()?.()
  }

  /** Claims nothing more into this worker (it is shutting down). */
  close(): void {
    this.closing = true
  }

  private shortSteps(wanted: boolean): ShortSteps {
    const pipelineIds: string[] = []
    const stepIds: string[] = []
    const kinds = new Set<string>()
    if (wanted)
      for (const [kind, ms] of this.stepMs) {
        if (ms > shortStepMs) continue
        const [pipelineId = '', stepId = ''] = kind.split('\n')
        pipelineIds.push(pipelineId)
        stepIds.push(stepId)
        kinds.add(kind)
      }
    return { pipelineIds, stepIds, has: (pipelineId, stepId) => kinds.has(kindOf(pipelineId, stepId)) }
  }
}
