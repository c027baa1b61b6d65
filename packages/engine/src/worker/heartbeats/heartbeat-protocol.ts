/**
 * The messages between a worker process's event loop and its heartbeat thread
 * (`heartbeat-thread.ts`). The thread has its own event loop and its own database connection, so
 * attempts keep heartbeating while a step computes synchronously on the main one; the main loop
 * only tells it which attempts to beat for.
 */

/** What the thread is started with (`workerData`). */
export interface HeartbeatThreadData {
  /** The database the worker writes to (never printed). */
  databaseUrl: string
  /** How often the thread beats. */
  everyMs: number
  /** The worker's id (`attempts.worker_id`): it beats this worker's attempts in watched runs. */
  workerId: string
}

/**
 * Main loop → thread. `add` before the step's code starts, `delete` once its end is recorded;
 * `watch` before a claim or finish statement that may open attempts of that run for this worker is
 * sent, `unwatch` once the main loop has added them (their ids are known only from its answer).
 */
export type ToHeartbeatThread =
  | { kind: 'add'; attemptId: string }
  | { kind: 'delete'; attemptId: string }
  | { kind: 'watch'; runId: string }
  | { kind: 'unwatch'; runId: string }
  /** Close the connection and end the thread. */
  | { kind: 'stop' }

/** Thread → main loop. */
export type FromHeartbeatThread =
  /** Connected: from now on the thread beats, the main loop does not. */
  | { kind: 'ready' }
  /** Attempts no longer `running` in SQL (given up by the reconciler, or closed by a cancel). */
  | { kind: 'gone'; attemptIds: string[] }
  /** A beat failed (the database did not answer); the thread keeps trying. */
  | { kind: 'error'; message: string }
  /** The thread could not connect and ends: the main loop beats again. */
  | { kind: 'failed'; message: string }
