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
 */
export class InFlight {
  private readonly entries = new Map<string, Entry>()
  private beats: HeartbeatThread | undefined

  constructor(private readonly db: Db) {}

  /** Hands the heartbeats to `beats`: once it is `beating` it writes them, and ticks here no longer do. */
  beatFrom(beats: HeartbeatThread): void {
    this.beats = beats
    for (const attemptId of this.entries.keys()) beats.add(attemptId)
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

  add(attemptId: string, runId: string, controller: AbortController): void {
    this.entries.set(attemptId, { runId, controller })
    this.beats?.add(attemptId)
  }

  delete(attemptId: string): void {
    this.entries.delete(attemptId)
    this.beats?.delete(attemptId)
  }

  async tick(): Promise<void> {
    if (this.entries.size === 0) return
    if (!this.beats?.beating) {
      const attemptIds = [...this.entries.keys()]
      const alive = await beatAttempts(this.db, attemptIds)
      this.gone(attemptIds.filter((attemptId) => !alive.has(attemptId)))
    }
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
