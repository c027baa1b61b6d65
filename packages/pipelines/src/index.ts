/**
 * The SDK that definitions import: products, pipelines, steps, config, alert rules, partitions and
 * validation, as inert typed data. It loads no engine: importing it pulls the kernel, zod and a
 * cron parser, never a queue, a database driver or the web (a test holds it to that).
 */
import type { DurationErrorCode } from '@steward/kernel'
import type { WarehouseErrorCode } from './definitions/warehouse.ts'
import type { TestingErrorCode } from './testing/test-run.ts'
import type { ValidationErrorCode } from './validation/definition-error.ts'

export { type Duration, type DurationUnit, parseDuration, type Weekday } from '@steward/kernel'
// Definitions: what data teams write.
export type { AlertRule } from './definitions/alert-rule.ts'
export { type DefinitionIssue, type DefinitionKind, definitionMeta } from './definitions/brand.ts'
export {
  type ConfigOptions,
  type CostRates,
  defineConfig,
  isConfig,
  type StepDefaults,
  type StewardConfig,
  type UsageSettings,
} from './definitions/config.ts'
export {
  dailyPartitions,
  hourlyPartitions,
  monthlyPartitions,
  type PartitionOf,
  staticPartitions,
  type TimePartitionOptions,
  weeklyPartitions,
} from './definitions/partitions.ts'
export {
  definePipeline,
  isPipeline,
  isZodObject,
  type ParamsOf,
  type ParamsSchema,
  type Pipeline,
  type PipelineOptions,
  type Schedule,
  type StepRecord,
} from './definitions/pipeline.ts'
export {
  defineProduct,
  isProduct,
  type Link,
  type Owner,
  type Product,
  type ProductOptions,
  type Stakeholder,
  type Tier,
} from './definitions/product.ts'
export { type ReceiverOptions, receiverEnvName, receiverNamePattern } from './definitions/receiver-options.ts'
export {
  type Backoff,
  isStep,
  type Step,
  type StepOptions,
  type StepOutputs,
  step,
  type UpstreamOf,
} from './definitions/step.ts'
export type { CostReport, LogFields, StepContext, StepLogger } from './definitions/step-context.ts'
export type { StepsBuilder } from './definitions/steps-builder.ts'
export {
  afterSuccessOf,
  type EventTrigger,
  type FileTrigger,
  type ManualTrigger,
  manual,
  onEvent,
  onFile,
  type PipelineRef,
  type Trigger,
  type UpstreamTrigger,
} from './definitions/triggers.ts'
export {
  type AcceptedValuesCheck,
  type CheckSeverity,
  type ConnectionDecl,
  type ConnectionKind,
  checkNameOf,
  columnNamePattern,
  connectionsOf,
  type DuckDbConnection,
  defaultConnectionName,
  type NotNullCheck,
  type PostgresConnection,
  type RelationshipCheck,
  type RowCountCheck,
  type SqlCheck,
  type SqlParam,
  type SqlResult,
  type TableCheck,
  type TableCheckKind,
  type TableDecl,
  tableCheckSchema,
  tableNamePattern,
  type UniqueCheck,
  type WarehouseErrorCode,
  type WarehouseSql,
} from './definitions/warehouse.ts'
// Partitions: windows and keys, mapping across pipelines.
export type {
  Partition,
  PartitionScheme,
  StaticPartition,
  StaticPartitionScheme,
  TimePartition,
  TimePartitionScheme,
  TimeUnit,
} from './partitions/partition-scheme.ts'
export {
  mapPartition,
  partitionOf,
  partitionsBetween,
  recentPartitions,
  scheduledPartitions,
} from './partitions/partitions.ts'
export { keyExamples as partitionKeyExamples, latestCompletePartition } from './partitions/time-partitions.ts'
// Alert rules: data the alerts package evaluates; their readers use `@steward/pipelines/rules`.
export {
  budget,
  checkFailed,
  cost,
  digest,
  freshness,
  late,
  onFailure,
  runTooLong,
  schemaChange,
  stepFailed,
  unused,
  usageDrop,
  volume,
} from './rules/index.ts'
export type * from './rules/rule-types.ts'
// Runtime: the context a step runs with, recorded in memory (the worker and step tests share it).
export { checkRunParams, type ParamsCheck, paramsCheckOf } from './runtime/check-run-params.ts'
export {
  type LogLevel,
  type RecordedCost,
  type RecordedLog,
  type RecordedMetric,
  recordStep,
  type StepRecorderInput,
  type StepRecords,
} from './runtime/step-recorder.ts'
// Validation: every problem, with file, definition and field.
export { paramsJsonSchema } from './validation/check-params.ts'
export { cronProblem, timeZoneProblem } from './validation/check-schedule.ts'
export { DefinitionError, isDefinitionError } from './validation/definition-error.ts'
export { type DefinitionProblem, formatProblem } from './validation/definition-problem.ts'
export {
  assertValidProject,
  type Located,
  type ProjectDefinitions,
  validateProject,
} from './validation/validate-project.ts'

/** Every code a `StewardError` thrown by this package can carry. */
export type PipelinesErrorCode =
  | DurationErrorCode
  | ValidationErrorCode
  | TestingErrorCode
  | WarehouseErrorCode
