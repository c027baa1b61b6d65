import type { Db } from '../store/db.ts'
import type { AbortCause } from './run-attempt.ts'

interface Entry {
  runId: string
  controller: AbortController
}

/**
 * The attempts this worker process is running. On every tick it proves they are alive
 * (`attempts.heartbeat_at`, which the reconciler reads to tell a dead worker from a slow step) and
 * aborts the signal of any whose run was cancelled or ended, or whose attempt the reconciler
 * already gave up on. One query pair per tick for all of them, not a timer per step.
 */
export class InFlight {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly db: Db) {}

  get size(): number {
    return this.entries.size
  }

  add(attemptId: string, runId: string, controller: AbortController): void {
    this.entries.set(attemptId, { runId, controller })
  }

  delete(attemptId: string): void {
    this.entries.delete(attemptId)
  }

  async tick(): Promise<void> {
    if (this.entries.size === 0) return
    const attemptIds = [...this.entries.keys()]
    const alive = await this.db
      .updateTable('attempts')
      .set((eb) => ({ heartbeat_at: eb.fn('now') }))
      .where('id', 'in', attemptIds)
      .where('status', '=', 'running')
      .returning('id')
      .execute()
    const aliveIds = new Set(alive.map((row) => row.id))
    for (const attemptId of attemptIds) {
      if (!aliveIds.has(attemptId)) {
        this.abort(attemptId, 'the reconciler gave this attempt up (no heartbeat in time)')
      }
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
