import { redactUrl } from '@steward/db'
import { settings } from '../../env.ts'
import { getDb } from '../db.ts'
import type { Db } from '../read-database.ts'
import { getQueue } from '../runs/queue.ts'
import type { HealthCheck } from './health-check.ts'

/** An attempt heartbeat younger than this proves a worker is alive (workers beat every second). */
export const liveHeartbeatSeconds = 30

/**
 * At least one worker is alive: a running attempt heartbeated in the last 30 s (SQL, the worker's
 * own heartbeat), or else at least one worker is connected to the runtime queue (BullMQ lists the
 * workers it sees on the queue). An idle worker runs no attempt, so the queue is asked when SQL has
 * no recent heartbeat.
 */
export const workersCheck: HealthCheck = {
  name: 'workers',
  target: queueLocation,
  async run() {
    const { db } = await getDb()
    if (await hasLiveHeartbeat(db)) return
    const workers = await (await getQueue()).getWorkers()
    if (workers.length === 0) {
      throw new Error(
        `no worker is connected to the queue at ${queueLocation()} (prefix ${settings().queuePrefix}) and none heartbeated in the last ${liveHeartbeatSeconds} s: start one with \`steward worker\``,
      )
    }
  },
}

/** A running attempt heartbeated within `liveHeartbeatSeconds` (the partial index on running attempts serves it). */
export async function hasLiveHeartbeat(db: Db): Promise<boolean> {
  const beating = await db
    .selectFrom('attempts')
    .select('id')
    .where('status', '=', 'running')
    // now() - make_interval(secs => 30): the database's clock, the one the workers' heartbeats use.
    .where((eb) =>
      eb(
        'heartbeat_at',
        '>',
        eb(
          eb.fn<Date>('now'),
          '-',
          eb.fn<Date>(
            'make_interval',
            [0, 0, 0, 0, 0, 0, liveHeartbeatSeconds].map((n) => eb.val(n)),
          ),
        ),
      ),
    )
    .limit(1)
    .executeTakeFirst()
  return beating !== undefined
}

/** Where the queue lives, for people: Redis's URL (password hidden), or the database. */
function queueLocation(): string {
  return settings().queue === 'postgres'
    ? 'the database (STEWARD_QUEUE=postgres)'
    : redactUrl(settings().redisUrl)
}
