import { dbNowPlus, runningAttempts } from '@steward/engine/control'
import { redactUrl } from '@steward/kernel'
import { settings } from '#env.ts'
import { getDb } from '../db.ts'
import type { Db } from '../read-database.ts'
import { getQueue } from '../runs/queue.ts'
import type { HealthCheck } from './health-check.ts'

/** An attempt heartbeat younger than this proves a worker is alive (workers beat every second). */
export const liveHeartbeatSeconds = 30

/**
 * No worker holds steps it stopped answering for (killed, or cut off from the database), and at
 * least one worker is alive: a running attempt heartbeated in the last 30 s (SQL, the worker's
 * own heartbeat), or else at least one worker is connected to the runtime queue (BullMQ lists the
 * workers it sees on the queue). An idle worker runs no attempt, so the queue is asked when SQL has
 * no recent heartbeat. A silent worker is named until the reconciler has handed its steps to
 * another worker (after STEWARD_HEARTBEAT_TIMEOUT) or its heartbeats come back.
 */
export const workersCheck: HealthCheck = {
  name: 'workers',
  target: queueLocation,
  async run() {
    const { db } = await getDb()
    const silent = await silentWorkers(db, settings().heartbeatTimeoutMs)
    if (silent.length > 0) {
      const named = silent.map((w) => `${w.workerId} (${w.steps} step${w.steps === 1 ? '' : 's'})`).join(', ')
      throw new Error(
        `worker ${named} stopped heartbeating over ${Math.round(settings().heartbeatTimeoutMs / 1000)} s ago while running steps: killed or cut off from the database; the reconciler retries its steps elsewhere`,
      )
    }
    if (await hasLiveHeartbeat(db)) return
    const workers = await (await getQueue()).getWorkers()
    if (workers.length === 0) {
      throw new Error(
        `no worker is connected to the queue at ${queueLocation()} (prefix ${settings().queuePrefix}) and none heartbeated in the last ${liveHeartbeatSeconds} s: start one with \`steward worker\``,
      )
    }
  },
}

/** A running attempt of an active run heartbeated within `liveHeartbeatSeconds`. */
export async function hasLiveHeartbeat(db: Db): Promise<boolean> {
  const beating = await runningAttempts(db)
    .select('attempts.id')
    .where('runs.status', 'in', ['queued', 'running'])
    // The database's clock, the one the workers' heartbeats use.
    .where((eb) => eb('attempts.heartbeat_at', '>', dbNowPlus(eb, -liveHeartbeatSeconds * 1000)))
    .limit(1)
    .executeTakeFirst()
  return beating !== undefined
}

/**
 * Workers with running attempts of active runs whose last heartbeat is older than the timeout:
 * the steps the reconciler is about to fail as WORKER_LOST and retry. Reads attempts through
 * their runs (no status index on attempts).
 */
export async function silentWorkers(
  db: Db,
  timeoutMs: number,
): Promise<{ workerId: string; steps: number }[]> {
  const rows = await runningAttempts(db)
    .select(['attempts.worker_id as workerId', (eb) => eb.fn.countAll<string>().as('steps')])
    .where('runs.status', 'in', ['queued', 'running'])
    .where((eb) => eb('attempts.heartbeat_at', '<', dbNowPlus(eb, -timeoutMs)))
    .groupBy('attempts.worker_id')
    .orderBy('attempts.worker_id')
    .execute()
  return rows.map((row) => ({ workerId: row.workerId ?? 'unknown', steps: Number(row.steps) }))
}

/** Where the queue lives, for people: Redis's URL (password hidden), or the database. */
function queueLocation(): string {
  return settings().queue === 'postgres'
    ? 'the database (STEWARD_QUEUE=postgres)'
    : redactUrl(settings().redisUrl)
}
