import { StewardError } from '@steward/kernel'
import type { Pipeline } from '../definitions/pipeline.ts'
import type { StepOutputs } from '../definitions/step.ts'
import type { WarehouseErrorCode, WarehouseSql } from '../definitions/warehouse.ts'
import { recordStep } from '../runtime/step-recorder.ts'
import {
  type PreparedRun,
  prepareRun,
  type StepResult,
  type TestingErrorCode,
  type TestRunOptions,
} from './test-run.ts'

export interface RunStepOptions<P = Record<string, unknown>, O extends StepOutputs = StepOutputs>
  extends TestRunOptions<P> {
  /** The outputs of the steps this one `needs`, by step id, as the runs before it would have made them. */
  upstream?: Partial<O>
}

/**
 * Runs one step of a pipeline in this process, as a worker would run its first attempt: params
 * checked against the pipeline's schema, `ctx.partition` looked up, and everything the step
 * reports (logs, metrics, costs priced at the config's unit rates) recorded and returned with its
 * output. A step that throws rejects with its own error. No database, queue or engine is involved.
 *
 * @example
 * import { runStep } from '@steward/pipelines/testing'
 * import { expect, it } from 'vitest'
 * import { dailySignups } from '../pipelines/daily-signups.ts'
 *
 * it('counts the rows it extracted', async () => {
 *   const result = await runStep(dailySignups, 'count', {
 *     upstream: { extract: { rows: [{ user: 'a' }, { user: 'b' }] } },
 *   })
 *   expect(result.output).toEqual({ signups: 2 })
 *   expect(result.metrics).toContainEqual(expect.objectContaining({ name: 'rows', value: 2 }))
 * })
 */
export async function runStep<P, O extends StepOutputs, K extends keyof O & string>(
  pipeline: Pipeline<P, O>,
  stepId: K,
  options: RunStepOptions<P, O> = {},
): Promise<StepResult<Awaited<O[K]>>> {
  const prepared = prepareRun(pipeline as unknown as Pipeline, options)
  return runPreparedStep(
    pipeline as unknown as Pipeline,
    stepId,
    (options.upstream ?? {}) as Record<string, unknown>,
    prepared,
  ) as Promise<StepResult<Awaited<O[K]>>>
}

/** Runs one step of a checked run with the upstream outputs it needs (each must be given). */
export async function runPreparedStep(
  pipeline: Pipeline,
  stepId: string,
  upstream: Readonly<Record<string, unknown>>,
  prepared: PreparedRun,
): Promise<StepResult> {
  // Own properties only: a step id such as "constructor" must not meet Object.prototype.
  const step = Object.hasOwn(pipeline.steps, stepId) ? pipeline.steps[stepId] : undefined
  if (!step) {
    throw new StewardError<TestingErrorCode>(
      'STEP_NOT_FOUND',
      `pipeline ${pipeline.id} has no step "${stepId}" (its steps: ${Object.keys(pipeline.steps).join(', ')})`,
    )
  }
  const missing = step.needs.filter((need) => !Object.hasOwn(upstream, need))
  if (missing.length > 0) {
    throw new StewardError<TestingErrorCode>(
      'UPSTREAM_MISSING',
      `step ${stepId} of pipeline ${pipeline.id} needs the output of ${missing.join(', ')}: pass upstream: { ${missing
        .map((need) => `${need}: …`)
        .join(', ')} }`,
    )
  }
  const recorder = recordStep({
    params: prepared.params,
    runId: prepared.runId,
    pipelineId: pipeline.id,
    stepId,
    attempt: 1,
    signal: prepared.signal,
    partition: prepared.partition,
    unitRates: prepared.unitRates,
    sql: prepared.sql && sqlFrom(prepared.sql, pipeline.id, stepId),
  })
  const given = Object.fromEntries(step.needs.map((need) => [need, upstream[need]]))
  const output = await step.run(recorder.ctx, given)
  return { output, ...recorder.records }
}

/** `ctx.sql` over the connections a test gave; another name throws, naming it and those given. */
function sqlFrom(given: Readonly<Record<string, WarehouseSql>>, pipelineId: string, stepId: string) {
  return (connection: string): WarehouseSql => {
    const sql = Object.hasOwn(given, connection) ? given[connection] : undefined
    if (sql) return sql
    throw new StewardError<WarehouseErrorCode>(
      'NO_WAREHOUSE',
      `ctx.sql("${connection}") in step ${stepId} of pipeline ${pipelineId}: the test gave no such connection (given: ${Object.keys(given).join(', ') || 'none'}); pass sql: { ${connection}: … }`,
    )
  }
}
