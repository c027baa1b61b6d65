import { type CostReport, type Pipeline, partitionOf, type StepContext } from '@steward/pipelines'

export interface RecordedMetric {
  step: string
  name: string
  value: number
  labels?: Record<string, string>
}

export interface StepsRun {
  outputs: Record<string, unknown>
  metrics: RecordedMetric[]
  costs: (CostReport & { step: string })[]
  logs: { step: string; level: string; message: string }[]
}

/**
 * Runs a pipeline's steps in process, one after another in declared order (each step can only need
 * earlier ones), with a context that records metrics, costs and logs. A stand-in for the worker
 * runtime, which is not built yet, so the examples' step bodies are exercised end to end.
 */
export async function runSteps(
  pipeline: Pipeline,
  params: unknown,
  partitionKey?: string,
): Promise<StepsRun> {
  const partition =
    partitionKey === undefined || !pipeline.partitions
      ? undefined
      : partitionOf(pipeline.partitions, partitionKey)
  if (typeof partition === 'string') throw new Error(partition)
  const checked = (pipeline.params ? pipeline.params.parse(params) : {}) as Record<string, unknown>
  const run: StepsRun = { outputs: {}, metrics: [], costs: [], logs: [] }
  for (const [stepId, step] of Object.entries(pipeline.steps)) {
    const log = (level: string) => (message: string) => run.logs.push({ step: stepId, level, message })
    const ctx: StepContext = {
      params: checked,
      runId: 'test-run',
      pipelineId: pipeline.id,
      stepId,
      attempt: 1,
      log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      metric: (name, value, labels) =>
        run.metrics.push(
          labels === undefined ? { step: stepId, name, value } : { step: stepId, name, value, labels },
        ),
      cost: (entry) => run.costs.push({ ...entry, step: stepId }),
      signal: new AbortController().signal,
      partition,
    }
    const upstream = Object.fromEntries(step.needs.map((need) => [need, run.outputs[need]]))
    run.outputs[stepId] = await step.run(ctx, upstream)
  }
  return run
}
