import type { StepJobData } from '../queue/runtime-queue.ts'
import type { ClaimedAttempt } from '../store/claim-step.ts'
import type { AttemptOutcome, FinishAttemptInput } from '../store/finish-attempt.ts'
import type { PendingWork } from './pending-work.ts'
import { runClaimedStep, type StepRunDeps } from './run-claimed-step.ts'
import type { StepBatches } from './step-batches.ts'

export interface StepProcessorDeps extends StepRunDeps {
  /** The worker's claim and finish groups. */
  batches: StepBatches
  /** Step ends not yet recorded and steps claimed to run here, which a graceful close waits for. */
  pending: PendingWork
  /** Where a step end that no job waits for reports a failure to record it. */
  onError: (error: unknown) => void
}

export type StepJobResult = 'skipped' | AttemptOutcome['status']

/**
 * Step ends waiting to be recorded, per slot, past which a queue job waits for its own end to be
 * recorded before it returns (and BullMQ hands the worker another job).
 */
const maxPendingPerSlot = 2

/**
 * Handles one `step` job. A step's hand-off, from its job to its finish and its successors, takes
 * three stages, one call each:
 *   1. claim   `batches.claim`: the attempt in SQL, in one statement with the jobs that reach the
 *              worker meanwhile; a stale job (done, cancelled, for another attempt) is skipped
 *   2. run     `runClaimedStep`: the step's code in a slot; the slot is given back when it returns
 *   3. finish  `finishStep`: the end goes to a finishing group (one transaction for the ends that
 *              arrive meanwhile), which records it and enqueues what became ready, but for the
 *              steps it claimed for this worker: those successors (a chain's next link, a fan-out's
 *              siblings, a join) run here, 2 then 3, without a queue job (`runSuccessor`)
 *
 * The job returns once its step's code did, without waiting for the record: the slot serves the
 * next step instead of idling through the group's round trips. SQL keeps the attempt `running`
 * until its end commits, so a worker that dies in between is handled as one that died mid-step
 * (the reconciler retries the step). While too many ends wait to be recorded, jobs wait for theirs.
 */
export async function processStepJob(deps: StepProcessorDeps, job: StepJobData): Promise<StepJobResult> {
  // The claim may commit while a step computes on this loop: its attempt beats meanwhile (`InFlight`).
  const unwatch = deps.inFlight.watch(job.runId)
  let running: Promise<FinishAttemptInput>
  try {
    const claimed = await deps.batches.claim(job)
    if (!claimed) return 'skipped'
    running = runClaimedStep(deps, claimed) // adds the attempt before its first await
  } finally {
    unwatch()
  }
  const ended = await running
  const finished = finishStep(deps, ended)
  if (deps.pending.size > deps.slots.concurrency * maxPendingPerSlot) await finished
  else finished.catch(deps.onError)
  return ended.outcome.status
}

/**
 * Stage 3: hands a step's end to a finishing group, then starts the successors it claimed here.
 * The attempt beats until its end is recorded, and the successors the finish claims for this
 * worker beat from their commit (their run is watched until they were added).
 */
function finishStep(deps: StepProcessorDeps, ended: FinishAttemptInput): Promise<void> {
  const unwatch = deps.inFlight.watch(ended.runId)
  const finished = deps.batches
    .finish(ended)
    .then(({ next = [] }) => {
      for (const successor of next) runSuccessor(deps, successor)
    })
    .finally(() => {
      deps.inFlight.recorded(ended.attemptId)
      unwatch()
    })
  deps.pending.track(finished)
  return finished
}

/** A successor a finish claimed for this worker: stages 2 and 3, with no queue job to wait for it. */
function runSuccessor(deps: StepProcessorDeps, claimed: ClaimedAttempt): void {
  const lane = runClaimedStep(deps, claimed).then((ended) => finishStep(deps, ended))
  lane.catch(deps.onError)
  deps.pending.track(lane)
}
