import type { StepSpec } from '@steward/db'
import type { CostRates } from '@steward/pipelines'
import { checkParams } from '../runs/params.ts'
import { runPartition } from '../runs/run-partition.ts'
import type { ClaimedAttempt } from '../store/claim-step.ts'
import type { AttemptOutcome, AttemptRecords, FinishAttemptInput } from '../store/finish-attempt.ts'
import type { MetricLabelSets } from '../store/metric-label-sets.ts'
import type { StepSpecs } from '../store/step-specs.ts'
import type { StepWarehouses } from '../warehouse/step-warehouses.ts'
import { type CheckResult, withTableChecks } from '../warehouse/table-checks-step.ts'
import { createAttemptContext } from './attempt-context.ts'
import type { InFlight } from './in-flight.ts'
import type { LocalSlots } from './local-slots.ts'
import { runAttempt } from './run-attempt.ts'
import type { WorkerCode } from './worker-code.ts'

/** What running a claimed step takes: the worker's code, its slots and what it charges. */
export interface StepRunDeps {
  /** The pipelines' code: the current load, and older ones that runs in flight started on. */
  code: WorkerCode
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
  /** The worker's step slots (`concurrency`): a step's code runs only in one. */
  slots: LocalSlots
  /** `ctx.sql`: the process's warehouse pools. Without them `ctx.sql` throws, naming the connection. */
  warehouses?: StepWarehouses | undefined
}

/**
 * The run stage of a step's hand-off (`process-step.ts`): waits for a slot, runs the step's code
 * with its context (params checked, partition, logs, metrics, costs), gives the slot back when
 * the code returned, and answers the end its finish records, with its compute cost (wall time ×
 * the worker class's rate). From the claim on, the attempt heartbeats and hears cancels
 * (`InFlight`), while it waits for a slot too.
 */
export async function runClaimedStep(
  deps: StepRunDeps,
  claimed: ClaimedAttempt,
): Promise<FinishAttemptInput> {
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
    // The code the run's version was deployed from, when this worker still holds it.
    const definition = deps.code.forStep(run.pipeline_id, stepRun.step_id, spec?.codeHash)
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
          message: `worker ${deps.workerId} has no code for step ${stepRun.step_id} of pipeline ${run.pipeline_id} (version ${run.pipeline_version}): deploy and worker run different code; restart the worker (steward worker), or under steward dev save a definition file so it reloads, then retry the run`,
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
      const connections = await deps.warehouses?.connections()
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
        warehouses: deps.warehouses && connections && { steps: deps.warehouses, connections },
      })
      // The checks of the tables it writes run in the attempt, after its code: under its timeout
      // and cancel, their statements on its record, an `error` check failing as the attempt's failure.
      const checks: CheckResult[] = []
      const checked =
        deps.warehouses && step.writes?.length ? withTableChecks(step, deps.warehouses, checks) : step
      outcome = await runAttempt(checked, attempt.ctx, upstream, controller, spec?.timeoutMs ?? null)
      records = checks.length > 0 ? { ...attempt.records, checks } : attempt.records
    }
  } catch (error) {
    // No end will be recorded by this worker: stop beating, the reconciler gives the attempt up.
    deps.inFlight.recorded(attemptId)
    throw error
  } finally {
    deps.inFlight.ended(attemptId)
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
