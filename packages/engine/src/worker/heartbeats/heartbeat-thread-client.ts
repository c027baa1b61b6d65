import { Worker } from 'node:worker_threads'
import type { FromHeartbeatThread, HeartbeatThreadData, ToHeartbeatThread } from './heartbeat-protocol.ts'

export interface HeartbeatThreadHandlers {
  /** Attempts SQL no longer has `running`: their steps should stop. */
  onGone(attemptIds: readonly string[]): void
  onError(error: unknown): void
}

/**
 * The main loop's side of the heartbeat thread: it tells the thread which attempts to beat for and
 * hears which ones SQL gave up. Until the thread has connected (or after it failed or ended),
 * `beating` is false and the caller beats on the main loop instead, so no attempt goes without
 * heartbeats while the thread starts (tsx and the database driver take a second or two to load).
 *
 * @example
 * const beats = new HeartbeatThread({ databaseUrl, everyMs: 1000, workerId }, { onGone, onError })
 * beats.add(attemptId) // before the step's code runs
 * beats.delete(attemptId) // once its end is recorded
 * await beats.close()
 */
export class HeartbeatThread {
  private readonly thread: Worker
  private ready = false
  private ended = false
  private readonly exited: Promise<void>
  /** Resolves true once the thread beats, false if it failed to connect or ended first. */
  readonly started: Promise<boolean>
  private settle: (beating: boolean) => void = () => {}

  constructor(data: HeartbeatThreadData, handlers: HeartbeatThreadHandlers) {
    this.started = new Promise((resolve) => {
      this.settle = resolve
    })
    this.thread = new Worker(new URL('./heartbeat-thread.boot.mjs', import.meta.url), {
      workerData: data,
      // Not the process's own flags (a `--import tsx` there is not a loader here: the boot file registers one).
      execArgv: [],
    })
    // A thread never keeps a worker process alive: `close()` ends it, an exit ends it with the process.
    this.thread.unref()
    this.thread.on('message', (message: FromHeartbeatThread) => {
      if (message.kind === 'ready') {
        this.ready = true
        this.settle(true)
      } else if (message.kind === 'gone') handlers.onGone(message.attemptIds)
      else if (message.kind === 'error') handlers.onError(new Error(message.message))
      else {
        this.settle(false)
        handlers.onError(new Error(`heartbeat thread: ${message.message}; beating on the main loop`))
      }
    })
    this.thread.on('error', (error) => handlers.onError(error))
    this.exited = new Promise((resolve) => {
      this.thread.once('exit', () => {
        this.ended = true
        this.settle(false)
        resolve()
      })
    })
  }

  /** True while the thread writes the heartbeats. */
  get beating(): boolean {
    return this.ready && !this.ended
  }

  add(attemptId: string): void {
    this.send({ kind: 'add', attemptId })
  }

  delete(attemptId: string): void {
    this.send({ kind: 'delete', attemptId })
  }

  watch(runId: string): void {
    this.send({ kind: 'watch', runId })
  }

  unwatch(runId: string): void {
    this.send({ kind: 'unwatch', runId })
  }

  /** Stops the thread (it closes its connection); terminates it if it has not ended within 5 s. */
  async close(): Promise<void> {
    this.send({ kind: 'stop' })
    const timeout = setTimeout(() => void this.thread.terminate(), 5_000)
    await this.exited
    clearTimeout(timeout)
  }

  private send(message: ToHeartbeatThread): void {
    if (!this.ended) this.thread.postMessage(message)
  }
}
