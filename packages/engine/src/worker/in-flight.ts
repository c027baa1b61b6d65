import { beatAttempts } from '../store/beat-attempts.ts'
import type { Db } from '../store/db.ts'
import type { HeartbeatThread } from './heartbeats/heartbeat-thread-client.ts'
import type { AbortCause } from './run-attempt.ts'

interface Entry {
  runId: string
  controller: AbortController
}

/**
 * The attempts this worker process is running. They are proven alive (`attempts.heartbeat_at`,
 * which the reconciler reads to tell a dead worker from a slow step) by the heartbeat thread when
 * there is one, which a busy event loop does not hold up, else on every tick here. Each tick also
 * aborts the signal of any whose run was cancelled or ended, or whose attempt the reconciler
 * already gave up on. One query pair per tick for all of them, not a timer per step.
 *
 * An attempt is `running` in SQL from the commit of the statement that opened it to the commit of
 * the one that records its end; this loop hears of both only when it is free to read their answers.
 * So heartbeats cover that whole span: an attempt keeps beating after its code ended until its end
 * is `recorded`, and the runs a claim or finish statement is out for are `watch`ed, so that the
 * attempts it opens for this worker beat before the loop has read their ids.
 */
export class InFlight {
  private readonly entries = new Map<string, Entry>()
  /** Code ended, end not yet recorded: still `running` in SQL. */
  private readonly unrecorded = new Set<string>()
  /** Runs with claim or finish statements out, and how many. */
  private readonly watched = new Map<string, number>()
  private beats: HeartbeatThread | undefined

  constructor(
    private readonly db: Db,
    private readonly workerId: string,
  ) {}

  /** Hands the heartbeats to `beats`: once it is `beating` it writes them, and ticks here no longer do. */
  beatFrom(beats: HeartbeatThread): void {
    this.beats = beats
    for (const attemptId of [...this.entries.keys(), ...this.unrecorded]) beats.add(attemptId)
    for (const runId of this.watched.keys()) beats.watch(runId)
  }

  /** The heartbeat thread found these attempts closed in SQL: stop their steps. */
  gone(attemptIds: readonly string[]): void {
    for (const attemptId of attemptIds) {
      this.abort(attemptId, 'the reconciler gave this attempt up (no heartbeat in time)')
    }
  }

  get size(): number {
    return this.entries.size
  }

  /** An attempt this worker claimed: it beats, and hears cancels, until its code ends. */
  add(attemptId: string, runId: string, controller: AbortController): void {
    this.entries.set(attemptId, { runId, controller })
    this.beats?.add(attemptId)
  }

  /** Its code ended: no more cancels to hear, but it beats until its end is `recorded`. */
  ended(attemptId: string): void {
    if (this.entries.delete(attemptId)) this.unrecorded.add(attemptId)
  }

  /** Its end committed (or could not be recorded): it no longer beats. */
  recorded(attemptId: string): void {
    this.entries.delete(attemptId)
    this.unrecorded.delete(attemptId)
    this.beats?.delete(attemptId)
  }

  /**
   * Before a statement that may open attempts of `runId` for this worker: its attempts beat until
   * the returned release, called once the ones it opened were `add`ed (release is idempotent).
   */
  watch(runId: string): () => void {
    const count = this.watched.get(runId) ?? 0
    this.watched.set(runId, count + 1)
    if (count === 0) this.beats?.watch(runId)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.watched.get(runId) ?? 1) - 1
      if (left > 0) this.watched.set(runId, left)
      else {
        this.watched.delete(runId)
        this.beats?.unwatch(runId)
      }
    }
  }

  async tick(): Promise<void> {
    if (!this.beats?.beating) {
      const attemptIds = [...this.entries.keys(), ...this.unrecorded]
      const runIds = [...this.watched.keys()]
      const alive = await beatAttempts(this.db, attemptIds, { workerId: this.workerId, runIds })
      this.gone(attemptIds.filter((attemptId) => !alive.has(attemptId)))
    }
    if (this.entries.size === 0) return
    const runIds = [...new Set([...this.entries.values()].map((entry) => entry.runId))]
    if (runIds.length === 0) return
    const stopped = await this.db
      .selectFrom('runs')
      .select(['id', 'status', 'cancel_requested_at'])
      .where('id', 'in', runIds)
      .where((eb) =>
        eb.or([
          eb('cancel_requested_at', 'is not', null),
          eb('status', 'in', ['succeeded', 'failed', 'cancelled']),
        ]),
      )
      .execute()
    for (const run of stopped) {
      const why =
        run.cancel_requested_at !== null ? 'the run was cancelled' : `the run already ended (${run.status})`
      for (const [attemptId, entry] of this.entries) {
        if (entry.runId === run.id) this.abort(attemptId, why)
      }
    }
  }

  private abort(attemptId: string, message: string): void {
    const entry = this.entries.get(attemptId)
    if (entry && !entry.controller.signal.aborted) {
      entry.controller.abort({ kind: 'cancelled', message } satisfies AbortCause)
    }
  }
}
