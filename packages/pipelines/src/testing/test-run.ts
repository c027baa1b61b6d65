import { StewardError } from '@steward/kernel'
import { definitionMeta } from '../definitions/brand.ts'
import type { StewardConfig } from '../definitions/config.ts'
import { isPipeline, type Pipeline } from '../definitions/pipeline.ts'
import type { WarehouseSql } from '../definitions/warehouse.ts'
import type { Partition } from '../partitions/partition-scheme.ts'
import { partitionOf, scheduledPartitions } from '../partitions/partitions.ts'
import { checkRunParams } from '../runtime/check-run-params.ts'
import type { StepRecords } from '../runtime/step-recorder.ts'

/** Every code a `StewardError` thrown by `@steward/pipelines/testing` can carry. */
export type TestingErrorCode =
  | 'PARAMS_INVALID'
  | 'PIPELINE_INVALID'
  | 'STEP_NOT_FOUND'
  | 'UPSTREAM_MISSING'
  | 'PARTITION_INVALID'

/** What a test run of a pipeline or a step is given; everything has a default. */
export interface TestRunOptions<P = Record<string, unknown>> {
  /** The run's params, checked against the pipeline's `params` schema as a run's are. Default `{}`. */
  params?: Partial<P> | Record<string, unknown>
  /**
   * The partition key the run builds (`'2026-11-02'`, `'eu'`). Default: none for a pipeline without
   * partitions, the latest complete window for time partitions (what a schedule builds).
   */
  partition?: string
  /** The project's config (`steward.config.ts`'s default export): its `costs.units` price `ctx.cost`. */
  config?: StewardConfig
  /** Dollars per unit for `ctx.cost({ quantity, unit })`; default `config.costs.units`. */
  unitRates?: Readonly<Record<string, number>>
  /** Fires `ctx.signal`, as a timeout or a cancel would. */
  signal?: AbortSignal
  /** `ctx.runId`; default `'test-run'`. */
  runId?: string
  /**
   * What `ctx.sql(name)` answers, by connection name: a stand-in, or a real connection a test
   * opened. A name not given throws, naming it.
   */
  sql?: Readonly<Record<string, WarehouseSql>>
}

/** What one step did: its output and everything it reported through `ctx`. */
export interface StepResult<Out = unknown> extends StepRecords {
  output: Out
}

/** What a test run resolved before any step runs. */
export interface PreparedRun {
  params: Record<string, unknown>
  partition: Partition | undefined
  unitRates: Readonly<Record<string, number>> | undefined
  signal: AbortSignal
  runId: string
  sql: Readonly<Record<string, WarehouseSql>> | undefined
}

/** Checks the pipeline, its params and partition as the worker would; throws a one-line StewardError. */
export function prepareRun(pipeline: Pipeline, options: TestRunOptions<unknown>): PreparedRun {
  if (!isPipeline(pipeline)) {
    throw new StewardError<TestingErrorCode>(
      'PIPELINE_INVALID',
      'expected a pipeline (the value definePipeline returned)',
    )
  }
  const issues = definitionMeta(pipeline)?.issues ?? []
  if (issues.length > 0) {
    const listed = issues.map((issue) => `${issue.field || '(options)'}: ${issue.message}`).join('; ')
    throw new StewardError<TestingErrorCode>(
      'PIPELINE_INVALID',
      `pipeline ${pipeline.id} is invalid: ${listed}`,
    )
  }
  const params = checkRunParams(pipeline.id, pipeline.params, options.params)
  if (!params.ok) throw params.error
  return {
    params: params.value,
    partition: resolvePartition(pipeline, options.partition),
    unitRates: options.unitRates ?? options.config?.costs?.units,
    signal: options.signal ?? new AbortController().signal,
    runId: options.runId ?? 'test-run',
    sql: options.sql,
  }
}

function resolvePartition(pipeline: Pipeline, key: string | undefined): Partition | undefined {
  const scheme = pipeline.partitions
  if (!scheme) {
    if (key === undefined) return undefined
    throw new StewardError<TestingErrorCode>(
      'PARTITION_INVALID',
      `pipeline ${pipeline.id} has no partitions, so it cannot run partition "${key}"`,
    )
  }
  if (key === undefined) {
    const latest = scheme.kind === 'time' ? scheduledPartitions(scheme, new Date())[0] : undefined
    if (latest) return latest
    throw new StewardError<TestingErrorCode>(
      'PARTITION_INVALID',
      `pipeline ${pipeline.id} is partitioned: name the partition to run, e.g. { partition: '${
        scheme.kind === 'static' ? (scheme.keys[0] ?? 'key') : scheme.start
      }' }`,
    )
  }
  const found = partitionOf(scheme, key)
  if (typeof found === 'string' || found === undefined) {
    throw new StewardError<TestingErrorCode>(
      'PARTITION_INVALID',
      `pipeline ${pipeline.id} › partition: ${found}`,
    )
  }
  return found
}
