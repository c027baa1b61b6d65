/**
 * BullMQ's signal that a job moved itself to `delayed` (`job.moveToDelayed`) and must not be
 * completed: a processor throws it after the move. Re-exported so that callers need not import
 * BullMQ.
 */
export { DelayedError } from 'bullmq'
