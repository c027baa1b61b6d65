/**
 * The runtime's entry points for processes that start and read runs without running steps
 * (the web app's HTTP API): `@steward/pipelines/runtime`. Importing it loads no definitions
 * loader and no BullMQ Worker.
 */
export { cancelRun } from './cancel-run.ts'
export { type CreatedRun, type CreateRunInput, createRun, startRun } from './create-run.ts'
export { deleteQueueKeys, loseQueuedJobs } from './delete-queue-keys.ts'
export { type EmitEventInput, type EmittedEvent, emitEvent } from './emit-event.ts'
export { NonRetryableError, type RuntimeErrorCode } from './errors.ts'
export { getRunSnapshot, type RunSnapshot } from './follow-run.ts'
export {
  describeQueueBackend,
  type QueueBackend,
  type QueueBackendKind,
  queueSchema,
} from './queue-backend.ts'
export { openRuntimeQueue, type QueueSettings, type QueueTarget, type RuntimeQueue } from './queues.ts'
