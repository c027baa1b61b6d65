import { sql } from 'kysely'
import { formatInstant } from '#lib/format.ts'
import { previousFireTimes } from '#lib/schedule.ts'
import { getDb } from '../db.ts'
import type { Db } from '../read-database.ts'
import type { HealthCheck } from './health-check.ts'

/**
 * Only schedules whose latest settled fire time is this recent are judged (a day, and the longest
 * settling time): the check asks whether the scheduler works now, and runs missed while the whole
 * install was down days ago should not keep an uptime checker red until a weekly schedule's next
 * fire. Stale data still shows in the freshness check.
 */
export const scheduleLookbackMs = 25 * 3_600_000

/**
 * The scheduler fires: no live scheduled pipeline missed two fire times in a row. Each schedule is
 * judged by its own period — an every-minute one two or three minutes after its scheduler was
 * lost, a daily one after two days — where a fixed grace would miss the first or cry wolf at the
 * second. Schedules are job schedulers in the queue, fired by the workers and repaired from SQL by
 * their reconciler; a lost scheduler that nothing re-creates, or a queue no worker reads, shows
 * here by the pipeline's name.
 */
export const schedulerCheck: HealthCheck = {
  name: 'scheduler',
  target: () => 'the scheduled pipelines',
  async run() {
    const { db } = await getDb()
    const judged = schedulesToJudge(await readScheduledPipelines(db))
    const fired = await firedSince(db, judged)
    const missed = judged.filter((schedule) => !fired.has(schedule.id))
    if (missed.length > 0) {
      const shown = missed
        .slice(0, 3)
        .map((m) => `${m.id} (no run for ${formatInstant(m.missedFrom)} nor ${formatInstant(m.due)})`)
        .join(', ')
      throw new Error(
        `${missed.length} scheduled pipeline${missed.length === 1 ? '' : 's'} missed two fire times in a row: ${shown}${missed.length > 3 ? ', …' : ''}; are the workers running, and was \`steward deploy\` run?`,
      )
    }
  },
}

/** Each live scheduled pipeline, with the database's clock. */
export function readScheduledPipelines(db: Db): Promise<ScheduledPipelineState[]> {
  return (
    db
      .selectFrom('pipelines as p')
      .select([
        'p.id',
        'p.schedule_cron',
        'p.schedule_timezone',
        'p.updated_at',
        'p.schedule_changed_at',
        (eb) => eb.fn<Date>('now').as('now'),
      ])
      .where('p.archived_at', 'is', null)
      .where('p.schedule_cron', 'is not', null)
      // A paused schedule fires nothing on purpose.
      .where('p.schedule_paused_at', 'is', null)
      .execute()
  )
}

export interface ScheduledPipelineState {
  id: string
  schedule_cron: string | null
  schedule_timezone: string | null
  /** Its last deploy: fire times before it do not count (a schedule does not backfill). */
  updated_at: Date
  /** Its last pause or resume: fire times before it do not count either. */
  schedule_changed_at?: Date | null
  now: Date | string
}

/** A schedule whose two latest settled fire times must each have made a run, or it missed both. */
export interface JudgedSchedule {
  id: string
  /** The earlier of the two fire times. */
  missedFrom: Date
  /** The later one. */
  due: Date
  /** A `schedule` run created since this instant proves the scheduler fired (at `missedFrom` or after). */
  runSince: Date
}

/**
 * The schedules to judge and the two fire times each is judged by: the latest two that are
 * settled (older than half the schedule's period, between 30 s and 5 min: the worker needs a
 * moment to turn a fire into a run), both after the pipeline's last deploy and its last resume, the later within the
 * look-back. Pure, for tests; one cron parse per distinct (cron, zone).
 */
export function schedulesToJudge(pipelines: readonly ScheduledPipelineState[]): JudgedSchedule[] {
  const judged: JudgedSchedule[] = []
  // Thousands of pipelines share a few dozen schedules, and parsing a cron in a zone is the costly
  // part of this check: each (cron, zone, instant) once.
  const cache = new Map<string, Omit<JudgedSchedule, 'id'> | undefined>()
  for (const pipeline of pipelines) {
    if (!pipeline.schedule_cron) continue
    const now = new Date(pipeline.now)
    const key = `${pipeline.schedule_cron}\u0000${pipeline.schedule_timezone}\u0000${now.getTime()}`
    if (!cache.has(key)) cache.set(key, settledFires(pipeline.schedule_cron, pipeline.schedule_timezone, now))
    const fires = cache.get(key)
    if (!fires || fires.missedFrom < new Date(pipeline.updated_at)) continue
    if (pipeline.schedule_changed_at && fires.missedFrom < new Date(pipeline.schedule_changed_at)) continue
    if (fires.due.getTime() < now.getTime() - scheduleLookbackMs) continue
    judged.push({ id: pipeline.id, ...fires })
  }
  return judged
}

function settledFires(
  cron: string,
  timezone: string | null,
  now: Date,
): Omit<JudgedSchedule, 'id'> | undefined {
  const [latest, before] = previousFireTimes(cron, timezone, now, 2)
  if (!latest || !before) return undefined
  const period = latest.getTime() - before.getTime()
  const settleMs = Math.min(Math.max(period / 2, 30_000), 5 * 60_000)
  // +1 ms: a fire exactly `settleMs` old is settled (`prev` looks strictly before its instant).
  const [due, missedFrom] = previousFireTimes(cron, timezone, new Date(now.getTime() - settleMs + 1), 2)
  if (!due || !missedFrom) return undefined
  // The run is created by a worker whose clock is not the database's: a little slack, well under
  // the period so that the run of the fire before does not count.
  const skewMs = Math.min(10_000, period / 4)
  return { missedFrom, due, runSince: new Date(missedFrom.getTime() - skewMs) }
}

/**
 * Which of `schedules` have a `schedule` run created since their `runSince`: one probe of
 * `runs_pipeline_created_idx` per schedule, newest first, bounded by that instant.
 */
export async function firedSince(db: Db, schedules: readonly JudgedSchedule[]): Promise<Set<string>> {
  if (schedules.length === 0) return new Set()
  const rows = await db
    .selectFrom(
      // Two arrays zipped into rows (unnest in a select list walks them side by side).
      sql<{
        id: string
        since: Date
      }>`(select unnest(${sql.val(schedules.map((s) => s.id))}::text[]) as id, unnest(${sql.val(
        schedules.map((s) => s.runSince.toISOString()),
      )}::timestamptz[]) as since)`.as('c'),
    )
    .select('c.id')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('runs as r')
          .select(sql.lit(1).as('one'))
          .whereRef('r.pipeline_id', '=', 'c.id')
          .where('r.trigger', '=', 'schedule')
          .whereRef('r.created_at', '>=', 'c.since'),
      ),
    )
    .execute()
  return new Set(rows.map((row) => row.id))
}
