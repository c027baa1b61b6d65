/**
 * The engine: loads a project's definitions, deploys its catalog to SQL, and runs it: the control
 * API that the CLI and the web app call (`./runs`, `./triggers`; also `@steward/engine/control`
 * without the loader and the worker), the worker (`./worker`) and the hot SQL (`./store`).
 */

import type { RuntimeErrorCode } from './errors.ts'
import type { LoaderErrorCode } from './loader/load-project.ts'
import type { WarehouseErrorCode } from './warehouse/warehouse-client.ts'

/** Every code a `StewardError` thrown by this package can carry. */
export type EngineErrorCode = LoaderErrorCode | RuntimeErrorCode | WarehouseErrorCode

// Deploy: the catalog in SQL.
export type {
  Catalog,
  CatalogConnection,
  CatalogPipeline,
  CatalogProduct,
  CatalogStep,
  CatalogTable,
  TriggerSpec,
} from './deploy/catalog.ts'
export { compileCatalog, stepDefaults } from './deploy/compile-catalog.ts'
export {
  type DeployChanges,
  type DeployOptions,
  type DeployResult,
  deployCatalog,
  type ScheduleSpec,
} from './deploy/deploy-catalog.ts'
export {
  errorInfo,
  type FailureCode,
  isNonRetryable,
  NonRetryableError,
  type RuntimeErrorCode,
} from './errors.ts'
// Loading a project from its files.
export { type CreateProjectOptions, createProject } from './loader/create-project.ts'
export { errorLocation, type SourceLocation } from './loader/error-location.ts'
export { loadProject } from './loader/load-project.ts'
export type { LoadedPipeline, LoadedProduct, Project } from './loader/project.ts'
export {
  defaultQueueName,
  enqueueSteps,
  openRuntimeQueue,
  type QueueSettings,
  type RuntimeJobData,
  type RuntimeQueue,
  type ScheduledRunJobData,
  type StepJobData,
  type StepToEnqueue,
  stepJobId,
} from './queue/runtime-queue.ts'
export { countPrunableRuns, type PruneRunsOptions, pruneRuns } from './retention/prune-runs.ts'
// Runs: the control API (create, cancel, retry, backfill, follow).
export { type BackfillProgress, getBackfillProgress } from './runs/backfill-progress.ts'
export { cancelBackfill } from './runs/cancel-backfill.ts'
export { type CancelledRun, cancelRun } from './runs/cancel-run.ts'
export {
  type CreateBackfillInput,
  type CreatedBackfill,
  createBackfill,
  startBackfill,
} from './runs/create-backfill.ts'
export {
  type CreatedRun,
  type CreateRunInput,
  createRun,
  createRunIn,
  startRun,
} from './runs/create-run.ts'
export { getRunSnapshot, type RunSnapshot, type WaitOptions, waitForRun } from './runs/follow-run.ts'
export {
  decodeRunCursor,
  encodeRunCursor,
  type ListedRun,
  type ListRunsFilter,
  listRuns,
  maxRunsPerPage,
  type RunCursor,
  type RunPage,
  runStatuses,
} from './runs/list-runs.ts'
export { checkParams, checkParamsAgainstJsonSchema, type ParamsCheck } from './runs/params.ts'
export { findMissingPartitions, type MissingPartition } from './runs/partition-freshness.ts'
export { getPartitionStatuses, type PartitionStatus } from './runs/partition-status.ts'
export { type RetriedRun, type RetryRunOptions, retryRun } from './runs/retry-run.ts'
export { type EmitEventInput, type EmittedEvent, emitEvent } from './triggers/emit-event.ts'
export {
  pauseSchedule,
  resumeSchedule,
  type ScheduleState,
  scheduledPipeline,
} from './triggers/pause-schedule.ts'
export { type RepairedSchedules, repairSchedules } from './triggers/repair-schedules.ts'
export { type SyncedSchedules, scheduleId, syncSchedules } from './triggers/sync-schedules.ts'
export { type InboxWatcher, type InboxWatcherOptions, watchInboxes } from './triggers/watch-inboxes.ts'
export { checkSqlProblems } from './warehouse/check-sql-problems.ts'
// Warehouses: connections, their pools, and the warehouse half of the catalog.
export {
  type ConnectionEnvironment,
  type ConnectionTarget,
  connectionTarget,
} from './warehouse/connection-target.ts'
export {
  estimateAboveRows,
  type ObserveOptions,
  observeEveryMs,
  observeTables,
  startTableObserver,
  type TableObservation,
  type TableObserver,
} from './warehouse/observe-tables.ts'
export { openWarehouse } from './warehouse/open-warehouse.ts'
export { type CheckResult, runTableChecks } from './warehouse/run-checks.ts'
export {
  AttemptQueries,
  maxRecordedQueries,
  type RecordedQuery,
  StepWarehouses,
} from './warehouse/step-warehouses.ts'
export {
  type PublishedTableInfo,
  readConnections,
  readPublishedTables,
  readStepTables,
  type StepTableAccess,
} from './warehouse/warehouse-catalog.ts'
export type {
  QueryTag,
  WarehouseClient,
  WarehouseErrorCode,
  WarehouseResult,
} from './warehouse/warehouse-client.ts'
export {
  type CostedQuery,
  costHookFor,
  type QueryCost,
  timeCost,
  type WarehouseCostHook,
} from './warehouse/warehouse-cost.ts'
export { WarehousePools } from './warehouse/warehouse-pools.ts'
export { type ReconcileOptions, type ReconcileReport, reconcile } from './worker/reconciler.ts'
export { type RuntimeWorker, type StartWorkerOptions, startWorker } from './worker/worker.ts'
