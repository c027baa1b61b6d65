import type { CostRates } from '../definitions/config.ts'
import type { Pipeline } from '../definitions/pipeline.ts'
import { createAttemptContext } from './attempt-context.ts'
import type { ClaimedAttempt } from './claim-step.ts'
import type { Db } from './db.ts'
import type { AttemptOutcome } from './finish-attempt.ts'
import type { InFlight } from './in-flight.ts'
import type { LocalSlots } from './local-slots.ts'
import type { MetricLabelSets } from './metric-label-sets.ts'
import { checkParams } from './params.ts'
import type { RuntimeQueue, StepJobData } from './queues.ts'
import { runAttempt } from './run-attempt.ts'
import { runPartition } from './run-partition.ts'
import { StepBatches } from './step-batches.ts'
import type { StepSpecs } from './step-specs.ts'

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
}

export type StepJobResult = 'skipped' | AttemptOutcome['status']

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
 * context, record everything in one transaction, then enqueue what became ready. Claims and finishes
 * go in groups with the worker's other jobs in flight (`StepBatches`).
 */
export async function processStepJob(deps: StepProcessorDeps, job: StepJobData): Promise<StepJobResult> {
  const claimed = await batches(deps).claim(job)
  if (!claimed) return 'skipped'
  return runLane(deps, claimed)
}

/**
 * Runs a claimed attempt, then the steps its finish claimed for this worker (see `finishAttempts`),
 * within this job: the first one next in this lane, each other one at once in a lane of its own,
 * which holds the slot taken for it until it ends. Answers the first attempt's status once every
 * lane ended; a lane that failed (its step's end could not be recorded) fails the job after that.
 */
async function runLane(deps: StepProcessorDeps, claimed: ClaimedAttempt): Promise<StepJobResult> {
  const lanes: Promise<unknown>[] = []
  let own: { error: unknown } | undefined
  let current: ClaimedAttempt | undefined = claimed
  let status: StepJobResult = 'skipped'
  try {
    for (let first = true; current; first = false) {
      const ran = await runClaimed(deps, current)
      if (first) status = ran.status
      const [next, ...beside] = ran.next ?? []
      for (const other of beside) lanes.push(runLane(deps, other).finally(() => deps.slots.release()))
      current = next
    }
  } catch (error) {
    own = { error }
  }
  const ended = await Promise.allSettled(lanes)
  if (own) throw own.error
  const failed = ended.find((lane) => lane.status === 'rejected')
  if (failed?.status === 'rejected') throw failed.reason
  return status
}

/** Runs a claimed attempt, records its end, and answers its status and the steps claimed to run next. */
async function runClaimed(
  deps: StepProcessorDeps,
  claimed: ClaimedAttempt,
): Promise<{ status: AttemptOutcome['status']; next: ClaimedAttempt[] | undefined }> {
  const { run, stepRun, attemptId, upstream } = claimed
  const spec = await deps.specs.get(run.pipeline_id, run.pipeline_version, stepRun.step_id)
  const definition = deps.pipelines.get(run.pipeline_id)
  // Own properties only: a step id such as "constructor" must not meet Object.prototype.
  const step =
    definition && Object.hasOwn(definition.steps, stepRun.step_id)
      ? definition.steps[stepRun.step_id]
      : undefined

  const controller = new AbortController()
  deps.inFlight.add(attemptId, run.id, controller)
  const started = performance.now()
  let outcome: AttemptOutcome
  let records: ReturnType<typeof createAttemptContext>['records'] | undefined
  try {
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
  const finished = await batches(deps).finish({
    runId: run.id,
    stepRunId: stepRun.id,
    attemptId,
    outcome,
    records: finalRecords,
    backoff: spec,
  })
  return { status: outcome.status, next: finished.next }
}

/** The configured rate of a worker class: its own, else `default`, else 0. */
export function hourlyRate(costRates: CostRates | undefined, workerClass: string): number {
  return costRates?.workerHourUsd[workerClass] ?? costRates?.workerHourUsd.default ?? 0
}
