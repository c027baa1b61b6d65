import type { StepSpec } from '@steward/db'
import type { CostRates, Pipeline } from '@steward/pipelines'
import type { RuntimeQueue, StepJobData } from '../queue/runtime-queue.ts'
import { checkParams } from '../runs/params.ts'
import { runPartition } from '../runs/run-partition.ts'
import type { ClaimedAttempt } from '../store/claim-step.ts'
import type { Db } from '../store/db.ts'
import type { AttemptOutcome, AttemptRecords, FinishAttemptInput } from '../store/finish-attempt.ts'
import type { MetricLabelSets } from '../store/metric-label-sets.ts'
import type { StepSpecs } from '../store/step-specs.ts'
import { createAttemptContext } from './attempt-context.ts'
import type { InFlight } from './in-flight.ts'
import type { LocalSlots } from './local-slots.ts'
import type { PendingWork } from './pending-work.ts'
import { runAttempt } from './run-attempt.ts'
import { StepBatches } from './step-batches.ts'

export interface StepProcessorDeps {
  db: Db
  queue: RuntimeQueue
  pipelines: ReadonlyMap<string, Pipeline>
  specs: StepSpecs
  inFlight: InFlight
  workerId: string
  workerClass: string
  /** US dollars per hour of this worker class. */
  hourlyUsd: number
  /** US dollars per unit of what steps report by quantity (`costs.units`). */
  unitRates: Readonly<Record<string, number>>
  /** The label sets each pipeline's metrics have carried, held under the configured limit. */
  labelSets: MetricLabelSets
  /** The worker's step slots (`concurrency`), which steps claimed to run here next take from. */
  slots: LocalSlots
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

/** One worker builds its deps once: its jobs share their claim and finish groups through them. */
const batchesOf = new WeakMap<StepProcessorDeps, StepBatches>()

function batches(deps: StepProcessorDeps): StepBatches {
  let found = batchesOf.get(deps)
  if (!found) {
    found = new StepBatches({ db: deps.db, queue: deps.queue, workerId: deps.workerId, slots: deps.slots })
    batchesOf.set(deps, found)
  }
  return found
}

/**
 * Handles one `step` job: claim the attempt in SQL (or skip a stale job), run the step with its
 * context in a slot, give the slot back, and hand its end to the finishing group, which records it
 * and enqueues (or claims for this worker) what became ready. Claims and finishes go in groups with
 * the worker's other steps (`StepBatches`).
 *
 * The job returns once its step's code did, without waiting for the record: the slot serves the
 * next step instead of idling through the group's round trips. SQL keeps the attempt `running`
 * until its end commits, so a worker that dies in between is handled as one that died mid-step
 * (the reconciler retries the step). While too many ends wait to be recorded, jobs wait for theirs.
 */
export async function processStepJob(deps: StepProcessorDeps, job: StepJobData): Promise<StepJobResult> {
  const claimed = await batches(deps).claim(job)
  if (!claimed) return 'skipped'
  const ended = await runClaimed(deps, claimed)
  const recorded = record(deps, ended)
  if (deps.pending.size > deps.slots.concurrency * maxPendingPerSlot) await recorded
  else recorded.catch(deps.onError)
  return ended.outcome.status
}

/** Hands a step's end to the finishing group; the steps it claimed for this worker start at once. */
function record(deps: StepProcessorDeps, ended: FinishAttemptInput): Promise<void> {
  const recorded = batches(deps)
    .finish(ended)
    .then((finished) => {
      for (const next of finished.next ?? []) runHere(deps, next)
    })
  deps.pending.track(recorded)
  return recorded
}

/** Runs a step a finishing group claimed for this worker, once it has a slot, then records it. */
function runHere(deps: StepProcessorDeps, claimed: ClaimedAttempt): void {
  const lane = runClaimed(deps, claimed).then((ended) => record(deps, ended))
  lane.catch(deps.onError)
  deps.pending.track(lane)
}

/**
 * Runs a claimed attempt once it has a slot and gives the slot back when the step's code returned;
 * answers what its finish records. From the claim on, the attempt heartbeats and hears cancels
 * (`InFlight`), while it waits for a slot too.
 */
async function runClaimed(deps: StepProcessorDeps, claimed: ClaimedAttempt): Promise<FinishAttemptInput> {
  const { run, stepRun, attemptId, upstream } = claimed
  const controller = new AbortController()
  deps.inFlight.add(attemptId, run.id, controller)
  let outcome: AttemptOutcome
  let records: AttemptRecords | undefined
  let spec: StepSpec | undefined
  await deps.slots.acquire()
  const started = performance.now()
  try {
    spec = await deps.specs.get(run.pipeline_id, run.pipeline_version, stepRun.step_id)
    const definition = deps.pipelines.get(run.pipeline_id)
    // Own properties only: a step id such as "constructor" must not meet Object.prototype.
    const step =
      definition && Object.hasOwn(definition.steps, stepRun.step_id)
        ? definition.steps[stepRun.step_id]
        : undefined
    const params = checkParams(run.pipeline_id, definition?.params, run.params)
    if (!step || !definition) {
      outcome = {
        status: 'failed',
        retryable: false,
        error: {
          message: `worker ${deps.workerId} has no code for step ${stepRun.step_id} of pipeline ${run.pipeline_id}: deploy and worker run different code`,
          code: 'STEP_NOT_LOADED',
        },
      }
    } else if (!params.ok) {
      // A params error fails the run at once: no retry can fix it.
      outcome = {
        status: 'failed',
        retryable: false,
        error: { message: params.error.message, code: 'PARAMS_INVALID' },
      }
    } else {
      await deps.labelSets.load(run.pipeline_id)
      const attempt = createAttemptContext({
        params: params.value,
        runId: run.id,
        pipelineId: run.pipeline_id,
        stepId: stepRun.step_id,
        attempt: stepRun.attempt_count,
        signal: controller.signal,
        partition: runPartition(definition.partitions, run.partition_key),
        labelSets: deps.labelSets,
        unitRates: deps.unitRates,
      })
      outcome = await runAttempt(step, attempt.ctx, upstream, controller, spec?.timeoutMs ?? null)
      records = attempt.records
    }
  } finally {
    deps.inFlight.delete(attemptId)
    deps.slots.release(performance.now() - started, run.pipeline_id, stepRun.step_id)
  }
  const wallMs = performance.now() - started
  const finalRecords = records ?? { logs: [], metrics: [], costs: [] }
  finalRecords.costs.push({
    kind: 'compute',
    item: `compute (${deps.workerClass})`,
    usd: (wallMs / 3_600_000) * deps.hourlyUsd,
    quantity: wallMs / 1000,
    unit: 'seconds',
  })
  return { runId: run.id, stepRunId: stepRun.id, attemptId, outcome, records: finalRecords, backoff: spec }
}

/** The configured rate of a worker class: its own, else `default`, else 0. */
export function hourlyRate(costRates: CostRates | undefined, workerClass: string): number {
  return costRates?.workerHourUsd[workerClass] ?? costRates?.workerHourUsd.default ?? 0
}
