import { enqueueSteps, type RuntimeQueue, type StepJobData } from '../queue/runtime-queue.ts'
import { type ClaimedAttempt, claimSteps } from '../store/claim-step.ts'
import type { Db } from '../store/db.ts'
import type { FinishAttemptInput, FinishedAttempt } from '../store/finish-attempt.ts'
import { finishAttempts } from '../store/finish-attempts.ts'
import { GroupCommit, groupOrEach, type Settled } from './group-commit.ts'
import type { LocalSlots } from './local-slots.ts'
import { recordRefusal, refusedRecordEnd } from './record-refusal.ts'
import { withTransientRetry } from './transient-retry.ts'

export interface StepBatchesSettings {
  db: Db
  queue: RuntimeQueue
  workerId: string
  /** The worker's slots: steps a finish makes ready are claimed to run here within their `budget()`. */
  slots: LocalSlots
  /**
   * Runs a finishing group ended, told once its transaction committed: a job returns before its
   * end is recorded and a step handed on here has no job, so the queue's job events cannot say
   * when a run ended (the alert evaluator listens here).
   */
  onRunsEnded?: (runIds: readonly string[]) => void
}

/** Most jobs in one claim or finish group. */
const maxGroup = 128
/**
 * Finishing groups: one in flight per shard of runs, as in classic group commit (the ends that arrive
 * meanwhile make the next group larger). A run's ends always go to the same shard, so two groups in
 * flight never wait for each other's run locks, and a second core has work while the first group is
 * in the database. Claims take no run lock: two claim groups may overlap, so that a job arriving just
 * after a group left is not held back a whole round trip behind it.
 */
const finishShards = 2
const claimsInFlight = 2

/**
 * The SQL hot path of one worker, in groups (see `GroupCommit`): the claims of the jobs that reach
 * the worker together are one statement (`claimGroup`), and their finishes one transaction followed
 * by one enqueue of every step that transaction marked `queued` but the ones claimed to run here
 * next, within what the slots could take when the group started (`finishGroup`). A deadlock is
 * tried again (`withTransientRetry`); a group that fails for another reason is tried again item by
 * item (`groupOrEach`), so one bad item fails only its own job, and an item whose record the
 * database refused is recorded as a failure that says why (`record-refusal.ts`).
 */
export class StepBatches {
  private readonly claims: GroupCommit<StepJobData, ClaimedAttempt | undefined>
  private readonly finishes: GroupCommit<FinishAttemptInput, FinishedAttempt>[]

  constructor(private readonly settings: StepBatchesSettings) {
    this.claims = new GroupCommit((jobs) => this.claimGroup(jobs), { maxGroup, maxInFlight: claimsInFlight })
    this.finishes = Array.from(
      { length: finishShards },
      () => new GroupCommit((inputs) => this.finishGroup(inputs), { maxGroup, maxInFlight: 1 }),
    )
  }

  /** Claims the job's attempt (`claimSteps`); `undefined` for a stale job. */
  claim(job: StepJobData): Promise<ClaimedAttempt | undefined> {
    return this.claims.submit(job)
  }

  /**
   * Records the attempt's end (`finishAttempts`) in its run's shard and enqueues what became ready;
   * resolves once both are done, with the steps claimed for this worker in `next`.
   */
  finish(input: FinishAttemptInput): Promise<FinishedAttempt> {
    const shard = this.finishes[shardOf(input.runId, this.finishes.length)] ?? this.finishes[0]
    if (!shard) throw new Error('no finishing group')
    return shard.submit(input)
  }

  private claimGroup(jobs: StepJobData[]): Promise<Settled<ClaimedAttempt | undefined>[]> {
    const { db, workerId } = this.settings
    return groupOrEach(jobs, (group) => withTransientRetry(() => claimSteps(db, group, workerId)))
  }

  private async finishGroup(inputs: FinishAttemptInput[]): Promise<Settled<FinishedAttempt>[]> {
    const { db, queue, workerId, slots } = this.settings
    // Shared by every try of this group: what a rolled-back try claimed is not lost for long, the
    // next group counts the slots again.
    const claimFor = { workerId, budget: slots.budget() }
    const finish = (group: FinishAttemptInput[]) =>
      withTransientRetry(() => finishAttempts(db, group, claimFor))
    const answers = await groupOrEach(inputs, finish)
    // An end whose record the database refused (`record-refusal.ts`) is recorded again as the
    // failure that says why, so its attempt ends now rather than as WORKER_LOST.
    await Promise.all(
      answers.map(async (answer, i) => {
        const input = inputs[i]
        const reason = answer.ok || !input ? undefined : recordRefusal(answer.error)
        if (!input || reason === undefined) return
        const [again] = await groupOrEach([refusedRecordEnd(input, reason)], finish)
        if (again?.ok) answers[i] = again
      }),
    )
    this.tellRunsEnded(inputs, answers)
    // After commit, one enqueue for the group. If Redis fails, the jobs of the group fail, but for
    // those holding a claimed next step, which must run (nothing else would until the reconciler
    // gives it up): SQL already holds the steps `queued`, and the reconciler enqueues them again.
    try {
      await enqueueSteps(
        queue,
        answers.flatMap((answer) => (answer.ok ? answer.value.enqueue : [])),
      )
    } catch (error) {
      return answers.map((answer) => (answer.ok && answer.value.next?.length ? answer : { ok: false, error }))
    }
    return answers
  }

  private tellRunsEnded(inputs: readonly FinishAttemptInput[], answers: readonly Settled<FinishedAttempt>[]) {
    const onRunsEnded = this.settings.onRunsEnded
    if (!onRunsEnded) return
    const ended = new Set<string>()
    answers.forEach((answer, i) => {
      const runId = inputs[i]?.runId
      if (runId && answer.ok && answer.value.recorded && isEnded(answer.value.runStatus)) ended.add(runId)
    })
    if (ended.size > 0) onRunsEnded([...ended])
  }
}

function isEnded(status: FinishedAttempt['runStatus']): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'cancelled'
}

/** A run's shard: from the last hex digits of its uuid, which are random. */
export function shardOf(runId: string, shards: number): number {
  return (Number.parseInt(runId.slice(-4), 16) || 0) % shards
}
