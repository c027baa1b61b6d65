/**
 * The engine's control API for processes that start and read runs without running steps (the
 * web app's HTTP API): `@steward/engine/control`. Importing it loads no definitions loader and no
 * worker.
 */

export { NonRetryableError, type RuntimeErrorCode } from './errors.ts'
export {
  enqueueSteps,
  openRuntimeQueue,
  type QueueSettings,
  type RuntimeQueue,
} from './queue/runtime-queue.ts'
export { type BackfillProgress, getBackfillProgress } from './runs/backfill-progress.ts'
export { cancelBackfill } from './runs/cancel-backfill.ts'
export { cancelRun } from './runs/cancel-run.ts'
export { type CreateBackfillInput, type CreatedBackfill, startBackfill } from './runs/create-backfill.ts'
export { type CreatedRun, type CreateRunInput, createRun, startRun } from './runs/create-run.ts'
export { getRunSnapshot, type RunSnapshot } from './runs/follow-run.ts'
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
export { findMissingPartitions, type MissingPartition } from './runs/partition-freshness.ts'
export { getPartitionStatuses, type PartitionStatus } from './runs/partition-status.ts'
export { type RetriedRun, type RetryRunOptions, retryRun } from './runs/retry-run.ts'
export { dbNowPlus } from './store/db.ts'
export { runningAttempts } from './store/running-attempts.ts'
export { type EmitEventInput, type EmittedEvent, emitEvent } from './triggers/emit-event.ts'
export { pauseSchedule, resumeSchedule, type ScheduleState } from './triggers/pause-schedule.ts'
export {
  type PublishedTableInfo,
  readConnections,
  readPublishedTables,
  readStepTables,
  type StepTableAccess,
} from './warehouse/warehouse-catalog.ts'
