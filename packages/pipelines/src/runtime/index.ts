/**
 * The runtime's entry points for processes that start and read runs without running steps
 * (the web app's HTTP API): `@steward/pipelines/runtime`. Importing it loads no definitions
 * loader and no BullMQ Worker.
 */

// Partition arithmetic for pages that draw partitions (pure functions, no definitions loaded).
export { recentPartitions } from '../partitions/partitions.ts'
export { keyExamples as partitionKeyExamples } from '../partitions/time-partitions.ts'
export { type BackfillProgress, getBackfillProgress } from './backfill-progress.ts'
export { cancelBackfill } from './cancel-backfill.ts'
export { cancelRun } from './cancel-run.ts'
export { type CreateBackfillInput, type CreatedBackfill, startBackfill } from './create-backfill.ts'
export { type CreatedRun, type CreateRunInput, createRun, startRun } from './create-run.ts'
export { dbNowPlus } from './db.ts'
export { deleteQueueKeys, loseQueuedJobs } from './delete-queue-keys.ts'
export { type EmitEventInput, type EmittedEvent, emitEvent } from './emit-event.ts'
export { NonRetryableError, type RuntimeErrorCode } from './errors.ts'
export { getRunSnapshot, type RunSnapshot } from './follow-run.ts'
export { findMissingPartitions, type MissingPartition } from './partition-freshness.ts'
export { getPartitionStatuses, type PartitionStatus } from './partition-status.ts'
export {
  describeQueueBackend,
  type QueueBackend,
  type QueueBackendKind,
  queueSchema,
} from './queue-backend.ts'
export {
  enqueueSteps,
  openRuntimeQueue,
  type QueueSettings,
  type QueueTarget,
  type RuntimeQueue,
} from './queues.ts'
export { type RetriedRun, type RetryRunOptions, retryRun } from './retry-run.ts'
export { runningAttempts } from './running-attempts.ts'
