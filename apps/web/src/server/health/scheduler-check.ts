import { formatInstant } from '#lib/format.ts'
import { previousFireTime } from '#lib/schedule.ts'
import { getDb } from '../db.ts'
import type { Db } from '../read-database.ts'
import type { HealthCheck } from './health-check.ts'

/** How late a scheduled run may be created after its fire time before the scheduler counts as down. */
export const scheduleGraceMs = 5 * 60_000
/**
 * Only fire times this recent count: the check asks whether the scheduler works now, and a run
 * missed while the whole install was down days ago should not keep an uptime checker red until the
 * schedule's next fire (a week, for a weekly one). Stale data still shows in the freshness check.
 */
export const scheduleLookbackMs = 24 * 3_600_000

/**
 * The scheduler fires: every live scheduled pipeline has a `schedule` run created at or after its
 * last fire time (older than the grace period). Schedules are job schedulers in the queue, fired by
 * the workers; a lost scheduler, or schedules never synced by a deploy, shows here as a missed
 * run. Only the last fire time counts, if it is within a day; fire times before the pipeline's last
 * deploy do not (a schedule does not backfill).
 */
export const schedulerCheck: HealthCheck = {
  name: 'scheduler',
  target: () => 'the scheduled pipelines',
  async run() {
    const { db } = await getDb()
    const pipelines = await readScheduledPipelines(db)
    const missed = missedSchedules(pipelines)
    if (missed.length > 0) {
      const shown = missed
        .slice(0, 3)
        .map((m) => `${m.id} (due ${formatInstant(m.due)})`)
        .join(', ')
      throw new Error(
        `${missed.length} scheduled pipeline${missed.length === 1 ? '' : 's'} missed ${missed.length === 1 ? 'its' : 'their'} last run: ${shown}${missed.length > 3 ? ', …' : ''}; are the workers running, and was \`steward deploy\` run?`,
      )
    }
  },
}

/** Each live scheduled pipeline with its newest `schedule` run (one index probe per pipeline). */
export function readScheduledPipelines(db: Db): Promise<ScheduledPipelineState[]> {
  return db
    .selectFrom('pipelines as p')
    .select([
      'p.id',
      'p.schedule_cron',
      'p.schedule_timezone',
      'p.updated_at',
      (eb) =>
        eb
          .selectFrom('runs as r')
          .select('r.created_at')
          .whereRef('r.pipeline_id', '=', 'p.id')
          .where('r.trigger', '=', 'schedule')
          // Only fire times within the look-back count, so older runs need not be read: this bounds
          // the index scan for a pipeline whose recent runs were all started by hand.
          .where('r.created_at', '>', (eb) =>
            eb(
              eb.fn<Date>('now'),
              '-',
              eb.fn<Date>(
                'make_interval',
                [0, 0, 0, 0, 0, 0, (scheduleLookbackMs + scheduleGraceMs) / 1000 + 120].map((n) => eb.val(n)),
              ),
            ),
          )
          .orderBy('r.created_at', 'desc')
          .limit(1)
          .as('last_scheduled_at'),
      (eb) => eb.fn<Date>('now').as('now'),
    ])
    .where('p.archived_at', 'is', null)
    .where('p.schedule_cron', 'is not', null)
    .execute()
}

export interface ScheduledPipelineState {
  id: string
  schedule_cron: string | null
  schedule_timezone: string | null
  updated_at: Date
  last_scheduled_at: Date | string | null
  now: Date | string
}

/** The pipelines whose last fire time (older than the grace period) has no scheduled run after it. */
export function missedSchedules(pipelines: readonly ScheduledPipelineState[]): { id: string; due: Date }[] {
  const missed: { id: string; due: Date }[] = []
  // Thousands of pipelines share a few dozen schedules, and parsing a cron in a zone is the costly
  // part of this check: each (cron, zone, instant) once.
  const fireTimes = new Map<string, Date | undefined>()
  for (const pipeline of pipelines) {
    if (!pipeline.schedule_cron) continue
    const now = new Date(pipeline.now)
    const at = new Date(now.getTime() - scheduleGraceMs)
    const key = `${pipeline.schedule_cron}\u0000${pipeline.schedule_timezone}\u0000${at.getTime()}`
    if (!fireTimes.has(key))
      fireTimes.set(key, previousFireTime(pipeline.schedule_cron, pipeline.schedule_timezone, at))
    const due = fireTimes.get(key)
    if (!due || due < new Date(pipeline.updated_at)) continue
    if (due.getTime() < now.getTime() - scheduleLookbackMs) continue
    const last = pipeline.last_scheduled_at === null ? undefined : new Date(pipeline.last_scheduled_at)
    // A minute of slack: the run is created by a worker whose clock is not the database's.
    if (!last || last.getTime() < due.getTime() - 60_000) missed.push({ id: pipeline.id, due })
  }
  return missed
}
