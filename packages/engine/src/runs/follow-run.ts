import type { Run, StepRun } from '@steward/db'
import { StewardError } from '@steward/kernel'
import type { Db } from '../store/db.ts'

export interface RunSnapshot {
  run: Run
  /** Sorted by step id (SQL does not keep the declared order): a stable display. */
  steps: StepRun[]
}

export interface WaitOptions {
  /** Called with each snapshot that differs from the last (a step moved, an attempt started). */
  onProgress?: (snapshot: RunSnapshot) => void
  /** Give up after this long with `RUN_WAIT_TIMEOUT`. Default: wait for ever. */
  timeoutMs?: number
  /** Default 200 ms. */
  pollMs?: number
}

/** The run and its step runs now (`GET /api/v1/runs/:id`), or undefined when there is no such run. */
export async function getRunSnapshot(db: Db, runId: string): Promise<RunSnapshot | undefined> {
  const run = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst()
  if (!run) return undefined
  const steps = await db
    .selectFrom('step_runs')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('step_id')
    .execute()
  return { run, steps }
}

/**
 * Polls a run until it ends and returns its last snapshot (for `steward run --wait`: exit 0 only
 * when `snapshot.run.status === 'succeeded'`).
 *
 * @example
 * const { run } = await waitForRun(db, runId, { onProgress: (s) => print(s), timeoutMs: 60_000 })
 */
export async function waitForRun(db: Db, runId: string, options: WaitOptions = {}): Promise<RunSnapshot> {
  const deadline = options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs
  let last = ''
  for (;;) {
    const snapshot = await getRunSnapshot(db, runId)
    if (!snapshot) throw new StewardError('RUN_NOT_FOUND', `no run ${runId}`)
    const key = JSON.stringify([
      snapshot.run.status,
      snapshot.steps.map((step) => [step.step_id, step.status, step.attempt_count]),
    ])
    if (key !== last) {
      last = key
      options.onProgress?.(snapshot)
    }
    const status = snapshot.run.status
    if (status === 'succeeded' || status === 'failed' || status === 'cancelled') return snapshot
    if (Date.now() >= deadline) {
      throw new StewardError(
        'RUN_WAIT_TIMEOUT',
        `run ${runId} is still ${status} after ${options.timeoutMs} ms; follow it with \`steward run\` or the web UI`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200))
  }
}
