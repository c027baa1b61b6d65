import type { ConnectionDecl } from '@steward/pipelines'
import { type Partition, recordStep, type StepContext } from '@steward/pipelines'
import type { AttemptRecords } from '../store/finish-attempt.ts'
import { MetricLabelSets } from '../store/metric-label-sets.ts'
import { AttemptQueries, type StepWarehouses } from '../warehouse/step-warehouses.ts'

/** Past this many lines an attempt's log keeps a count of what it dropped, not the lines. */
const maxLogLines = 2_000

export interface AttemptContextInput {
  params: Record<string, unknown>
  runId: string
  pipelineId: string
  stepId: string
  attempt: number
  signal: AbortSignal
  /** The run's partition, when its pipeline has partitions. */
  partition?: Partition | undefined
  /** Dollars per unit (`costs.units`), for `ctx.cost({ quantity, unit })` without `usd`. */
  unitRates?: Readonly<Record<string, number>>
  /** The worker's label sets per pipeline (loaded for this pipeline); default: this attempt's alone. */
  labelSets?: MetricLabelSets
  /** The worker's warehouses and the deployed connections: `ctx.sql`. Without them `ctx.sql` throws. */
  warehouses?: { steps: StepWarehouses; connections: ReadonlyMap<string, ConnectionDecl> } | undefined
}

/**
 * The `StepContext` a step's `run` receives, with everything it reports buffered in memory and
 * written in the attempt's finishing transaction: one write per attempt, not one per log line.
 * The recording is the SDK's (`recordStep`, what step tests use too); the worker adds what only a
 * shared database needs: a cap on an attempt's log lines, and a metric refused (failing the step
 * without retries) past its label-set limit.
 */
export function createAttemptContext(input: AttemptContextInput): {
  ctx: StepContext
  readonly records: AttemptRecords
} {
  const labelSets = input.labelSets ?? new MetricLabelSets()
  const queries = new AttemptQueries()
  const { warehouses } = input
  const recorder = recordStep({
    ...input,
    maxLogLines,
    admitMetric: (name, labels) => labelSets.admit(input.pipelineId, name, labels),
    sql: warehouses
      ? warehouses.steps.forAttempt(
          { runId: input.runId, stepId: input.stepId },
          queries,
          warehouses.connections,
          input.signal,
        )
      : undefined,
  })
  return {
    ctx: recorder.ctx,
    // The recorder's own object, live: what the step reports later still lands in it.
    get records(): AttemptRecords {
      const records: AttemptRecords = recorder.records
      records.costs.push(...queries.costs.splice(0))
      records.queries = queries.queries
      if (queries.dropped > 0) {
        records.logs.push({
          level: 'warn',
          message: `${queries.dropped} more warehouse statements ran; an attempt records ${queries.queries.length}`,
          fields: null,
          at: new Date(),
        })
        queries.dropped = 0
      }
      return records
    },
  }
}
