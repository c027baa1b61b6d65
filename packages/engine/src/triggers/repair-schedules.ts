import type { ScheduleSpec } from '../deploy/deploy-catalog.ts'
import type { RuntimeQueue } from '../queue/runtime-queue.ts'
import type { Db } from '../store/db.ts'
import { scheduleId, upsertSchedule } from './sync-schedules.ts'

export interface RepairedSchedules {
  /** Pipelines whose job scheduler was missing or differed from SQL, and was (re)created. */
  upserted: string[]
  /** Job schedulers SQL no longer wants (pipeline archived or unscheduled), removed. */
  removed: string[]
}

/**
 * The schedules SQL wants: every live pipeline's deployed cron and zone, unless people paused it.
 * Deploy writes them; the queue's job schedulers are only their copy.
 */
export async function deployedSchedules(db: Db): Promise<ScheduleSpec[]> {
  const rows = await db
    .selectFrom('pipelines')
    .select(['id', 'schedule_cron', 'schedule_timezone'])
    .where('archived_at', 'is', null)
    .where('schedule_cron', 'is not', null)
    .where('schedule_timezone', 'is not', null)
    .where('schedule_paused_at', 'is', null)
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    pipelineId: row.id,
    cron: row.schedule_cron ?? '',
    timezone: row.schedule_timezone ?? '',
  }))
}

/**
 * Makes the queue's job schedulers agree with SQL again, touching only what differs: a queue that
 * lost its schedulers (Redis restarted empty, a FLUSHALL, the PostgreSQL queue's rows deleted) gets
 * them back without a deploy. Reads the queue first and SQL second, so a deploy racing with it is
 * at worst undone until the next repair, never for good: every repair converges on SQL.
 *
 * Safe from many processes at once: upserting a scheduler with the same id, pattern and zone twice
 * leaves one scheduler whose next fire has the same deterministic job id (`repeat:<id>:<time>`),
 * and a fire delivered twice still makes one run (`scheduled-run.ts`'s idempotency key).
 *
 * @example
 * const repaired = await repairSchedules(db, queue) // in the reconciler, every interval
 */
export async function repairSchedules(db: Db, queue: RuntimeQueue): Promise<RepairedSchedules> {
  const present = new Map<string, { pattern: string | undefined; tz: string | undefined }>()
  for (const scheduler of await queue.getJobSchedulers(0, -1)) {
    present.set(scheduler.id ?? scheduler.key, { pattern: scheduler.pattern, tz: scheduler.tz })
  }
  const wanted = await deployedSchedules(db)
  const upserted: string[] = []
  const kept = new Set<string>()
  for (const schedule of wanted) {
    const id = scheduleId(schedule.pipelineId)
    kept.add(id)
    const current = present.get(id)
    if (current?.pattern === schedule.cron && current.tz === schedule.timezone) continue
    await upsertSchedule(queue, schedule)
    upserted.push(schedule.pipelineId)
  }
  const removed: string[] = []
  for (const id of present.keys()) {
    if (kept.has(id)) continue
    await queue.removeJobScheduler(id)
    removed.push(id)
  }
  return { upserted, removed: removed.sort() }
}
