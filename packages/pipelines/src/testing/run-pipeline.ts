import { StewardError } from '@steward/kernel'
import type { Pipeline } from '../definitions/pipeline.ts'
import type { StepOutputs } from '../definitions/step.ts'
import type { RecordedCost, RecordedLog, RecordedMetric } from '../runtime/step-recorder.ts'
import { runPreparedStep } from './run-step.ts'
import { prepareRun, type StepResult, type TestingErrorCode, type TestRunOptions } from './test-run.ts'

/** A whole test run: each step's result, and what all of them reported, each line naming its step. */
export interface PipelineResult<O extends StepOutputs = StepOutputs> {
  /** Each step's output by step id. */
  outputs: { [K in keyof O]: Awaited<O[K]> }
  /** Each step's result (output, logs, metrics, costs) by step id. */
  steps: { [K in keyof O]: StepResult<Awaited<O[K]>> }
  logs: (RecordedLog & { step: string })[]
  metrics: (RecordedMetric & { step: string })[]
  costs: (RecordedCost & { step: string })[]
}

/**
 * Runs every step of a pipeline in this process, one at a time in dependency order (a step after
 * all it `needs`), each given the outputs of the steps it needs, as one run of the pipeline would.
 * Params are checked against the pipeline's schema first. The first step that throws rejects the
 * whole run with its own error, and no later step runs.
 *
 * @example
 * const run = await runPipeline(dailySignups, { params: { source: 'eu' }, partition: '2026-11-02' })
 * expect(run.outputs.count).toEqual({ signups: 2 })
 * expect(run.metrics.filter((m) => m.name === 'rows')).toHaveLength(1)
 */
export async function runPipeline<P, O extends StepOutputs>(
  pipeline: Pipeline<P, O>,
  options: TestRunOptions<P> = {},
): Promise<PipelineResult<O>> {
  const plain = pipeline as unknown as Pipeline
  const prepared = prepareRun(plain, options)
  const outputs: Record<string, unknown> = {}
  const steps: Record<string, StepResult> = {}
  const result: PipelineResult = { outputs, steps, logs: [], metrics: [], costs: [] }
  for (const stepId of dependencyOrder(plain)) {
    const step = await runPreparedStep(plain, stepId, outputs, prepared)
    outputs[stepId] = step.output
    steps[stepId] = step
    result.logs.push(...step.logs.map((line) => ({ ...line, step: stepId })))
    result.metrics.push(...step.metrics.map((metric) => ({ ...metric, step: stepId })))
    result.costs.push(...step.costs.map((cost) => ({ ...cost, step: stepId })))
  }
  return result as unknown as PipelineResult<O>
}

/** Step ids, each after the steps it needs, otherwise in declared order. */
function dependencyOrder(pipeline: Pipeline): string[] {
  const pending = new Map(Object.entries(pipeline.steps).map(([id, step]) => [id, step.needs]))
  const order: string[] = []
  while (pending.size > 0) {
    const ready = [...pending].find(([, needs]) => needs.every((need) => order.includes(need)))
    if (!ready) {
      throw new StewardError<TestingErrorCode>(
        'PIPELINE_INVALID',
        `pipeline ${pipeline.id}: steps ${[...pending.keys()].join(', ')} need each other or a step that does not exist`,
      )
    }
    order.push(ready[0])
    pending.delete(ready[0])
  }
  return order
}
