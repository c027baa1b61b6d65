import type { DurationErrorCode } from '@steward/kernel'
import type { LoaderErrorCode } from './loader/load-project.ts'
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
// Deploy: the catalog in SQL.
export type { Catalog, CatalogPipeline, CatalogProduct, CatalogStep, TriggerSpec } from './deploy/catalog.ts'
export { compileCatalog, stepDefaults } from './deploy/compile-catalog.ts'
export {
  type DeployChanges,
  type DeployOptions,
  type DeployResult,
  deployCatalog,
  type ScheduleSpec,
} from './deploy/deploy-catalog.ts'
// Loading a project from its files.
export { type CreateProjectOptions, createProject } from './loader/create-project.ts'
export { loadProject } from './loader/load-project.ts'
export type { LoadedPipeline, LoadedProduct, Project } from './loader/project.ts'
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
export { mapPartition, partitionOf, partitionsBetween, scheduledPartitions } from './partitions/partitions.ts'
// Alert rules (the alerts package's builders), so definition files import everything from one place.
export {
  budget,
  cost,
  digest,
  freshness,
  late,
  onFailure,
  runTooLong,
  stepFailed,
  unused,
  usageDrop,
  volume,
} from './rules/index.ts'
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
export type PipelinesErrorCode = DurationErrorCode | LoaderErrorCode | ValidationErrorCode

// Runtime: runs, the worker, the reconciler and schedules (BullMQ lives only in ./runtime).
export { type BackfillProgress, getBackfillProgress } from './runtime/backfill-progress.ts'
export { cancelBackfill } from './runtime/cancel-backfill.ts'
export { type CancelledRun, cancelRun } from './runtime/cancel-run.ts'
export {
  type CreateBackfillInput,
  type CreatedBackfill,
  createBackfill,
  startBackfill,
} from './runtime/create-backfill.ts'
export {
  type CreatedRun,
  type CreateRunInput,
  createRun,
  createRunIn,
  startRun,
} from './runtime/create-run.ts'
export { deleteQueueKeys, loseQueuedJobs } from './runtime/delete-queue-keys.ts'
export { type EmitEventInput, type EmittedEvent, emitEvent } from './runtime/emit-event.ts'
export {
  errorInfo,
  type FailureCode,
  isNonRetryable,
  NonRetryableError,
  type RuntimeErrorCode,
} from './runtime/errors.ts'
export { getRunSnapshot, type RunSnapshot, type WaitOptions, waitForRun } from './runtime/follow-run.ts'
export { checkParams, checkParamsAgainstJsonSchema, type ParamsCheck } from './runtime/params.ts'
export { findMissingPartitions, type MissingPartition } from './runtime/partition-freshness.ts'
export { getPartitionStatuses, type PartitionStatus } from './runtime/partition-status.ts'
export {
  describeQueueBackend,
  type QueueBackend,
  type QueueBackendKind,
  queueSchema,
} from './runtime/queue-backend.ts'
export { type QueueFactory, queueFactory } from './runtime/queue-factory.ts'
export {
  defaultQueueName,
  defaultQueuePrefix,
  enqueueSteps,
  openRuntimeQueue,
  type QueueSettings,
  type RuntimeJobData,
  type RuntimeQueue,
  type ScheduledRunJobData,
  type StepJobData,
  type StepToEnqueue,
  stepJobId,
} from './runtime/queues.ts'
export { type ReconcileOptions, type ReconcileReport, reconcile } from './runtime/reconciler.ts'
export { type SyncedSchedules, scheduleId, syncSchedules } from './runtime/sync-schedules.ts'
export { type InboxWatcher, type InboxWatcherOptions, watchInboxes } from './runtime/watch-inboxes.ts'
export { type RuntimeWorker, type StartWorkerOptions, startWorker } from './runtime/worker.ts'
