/**
 * `@steward/pipelines/testing`: run a pipeline's steps in this process, from any test runner, with
 * the context a worker gives them (params checked, partition, logs, metrics, costs recorded).
 * Loads no engine, database or queue, like the rest of the SDK.
 */
export type { RecordedCost, RecordedLog, RecordedMetric } from '../runtime/step-recorder.ts'
export { type PipelineResult, runPipeline } from './run-pipeline.ts'
export { type RunStepOptions, runStep } from './run-step.ts'
export type { StepResult, TestingErrorCode, TestRunOptions } from './test-run.ts'
