import { sql } from 'kysely'
import type { Db } from '../read-database.ts'

/**
 * The figures /metrics shows, read from SQL at scrape time: every Steward process is a peer, so no
 * process's memory holds the whole picture. Each read is bounded (active runs, a recent window, a
 * capped sample) and goes through an existing index; none takes a lock beyond its snapshot.
 */

/** Finished runs and step runs are counted over this recent window (see docs/recipes/prometheus.md). */
export const recentWindowSeconds = 15 * 60
/** At most this many recent runs are read for the step histograms, newest first. */
export const histogramRunSample = 5_000
/** Upper bounds (seconds) of the step duration and hand-off histograms. */
export const durationBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] as const
export const handoffBuckets = [
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const

export interface RunCount {
  pipeline: string
  status: string
  runs: number
}

/** One bucket of a histogram read from SQL: `index` into the bounds (bounds.length = +Inf). */
export interface BucketRow {
  index: number
  count: number
  sum: number
}

/**
 * Runs in flight by pipeline and status (`queued`, `running`): `runs_active_idx`, whose rows are
 * only the active runs, so the answer is as large as the work in flight.
 */
export async function activeRunCounts(db: Db): Promise<RunCount[]> {
  const rows = await db
    .selectFrom('runs')
    .select(['pipeline_id as pipeline', 'status', (eb) => eb.fn.countAll<string>().as('runs')])
    .where('status', 'in', ['queued', 'running'])
    .groupBy(['pipeline_id', 'status'])
    .execute()
  return rows.map((r) => ({ pipeline: r.pipeline, status: r.status, runs: Number(r.runs) }))
}

/** Runs that ended in the recent window by pipeline and status: a range of `runs_finished_at_idx`. */
export async function recentFinishedRunCounts(db: Db): Promise<RunCount[]> {
  const rows = await sql<{ pipeline: string; status: string; runs: string }>`
    select pipeline_id as pipeline, status, count(*) as runs from runs
    where finished_at > now() - make_interval(secs => ${recentWindowSeconds})
    group by pipeline_id, status`.execute(db)
  return rows.rows.map((r) => ({ pipeline: r.pipeline, status: r.status, runs: Number(r.runs) }))
}

/**
 * Step durations (`finished_at - started_at`) and hand-offs (`started_at - queued_at`) of the step
 * runs that finished, or started, in the recent window, grouped into the histograms' buckets.
 *
 * Inputs: the window and the bounds. Output: per bucket, its count and the sum of its values.
 * Reaches step runs through their runs (store/README.md: step runs have no status index): the
 * newest `histogramRunSample` runs that ended in the window (`runs_finished_at_idx`) and the
 * active runs (`runs_active_idx`), then step runs by `(run_id, step_id)`. No locks.
 */
export async function stepHistograms(db: Db): Promise<{ duration: BucketRow[]; handoff: BucketRow[] }> {
  const durationBounds = sql.raw(`array[${durationBuckets.join(',')}]::float8[]`)
  const handoffBounds = sql.raw(`array[${handoffBuckets.join(',')}]::float8[]`)
  const rows = await sql<{ kind: 'duration' | 'handoff'; index: number; count: string; sum: number }>`
    with recent_runs as (
      (select id from runs
        where finished_at > now() - make_interval(secs => ${recentWindowSeconds})
        order by finished_at desc limit ${histogramRunSample})
      union
      (select id from runs where status in ('queued', 'running') limit ${histogramRunSample})
    ),
    steps as (
      select s.queued_at, s.started_at, s.finished_at
      from recent_runs r join step_runs s on s.run_id = r.id
      where s.started_at > now() - make_interval(secs => ${recentWindowSeconds})
        or s.finished_at > now() - make_interval(secs => ${recentWindowSeconds})
    ),
    durations as (
      select 'duration' as kind, extract(epoch from finished_at - started_at)::float8 as v from steps
      where finished_at is not null and started_at is not null
        and finished_at > now() - make_interval(secs => ${recentWindowSeconds})
      union all
      select 'handoff', greatest(extract(epoch from started_at - queued_at)::float8, 0) from steps
      where started_at is not null and queued_at is not null
        and started_at > now() - make_interval(secs => ${recentWindowSeconds})
    )
    select kind,
      -- width_bucket counts values equal to a bound into the next bucket; Prometheus's le is <=.
      case when kind = 'duration'
        then (select count(*) from unnest(${durationBounds}) b where b < v)
        else (select count(*) from unnest(${handoffBounds}) b where b < v) end::int as index,
      count(*) as count, sum(v) as sum
    from durations group by 1, 2`.execute(db)
  const duration: BucketRow[] = []
  const handoff: BucketRow[] = []
  for (const r of rows.rows) {
    const row = { index: Number(r.index), count: Number(r.count), sum: Number(r.sum) }
    ;(r.kind === 'duration' ? duration : handoff).push(row)
  }
  return { duration, handoff }
}

export interface PendingNotifications {
  destination: string
  pending: number
  oldestAgeSeconds: number
}

/**
 * Slack notifications waiting by destination, with the oldest one's age: the partial index
 * `notifications_pending_idx` (destination, id) where status = 'pending', so only the backlog is read.
 */
export async function pendingNotifications(db: Db): Promise<PendingNotifications[]> {
  const rows = await sql<{ destination: string; pending: string; age: number }>`
    select destination, count(*) as pending,
      extract(epoch from now() - min(created_at))::float8 as age
    from notifications where status = 'pending' group by destination`.execute(db)
  return rows.rows.map((r) => ({
    destination: r.destination,
    pending: Number(r.pending),
    oldestAgeSeconds: Math.max(0, Number(r.age)),
  }))
}

/** Usage events counted at most up to this: a backlog past it is reported as this many. */
export const usagePendingCap = 1_000_000

/**
 * Usage events stored but not yet folded into the rollups (`usage_pending`, which the folder
 * empties), capped so a huge backlog is not counted row by row at every scrape, and the age of one
 * of the oldest (the same probe as the health check's, no index on queued_at).
 */
export async function pendingUsage(db: Db): Promise<{ events: number; oldestAgeSeconds: number }> {
  const row = await sql<{ events: string; age: number | null }>`
    select (select count(*) from (select 1 from usage_pending limit ${usagePendingCap}) p) as events,
      (select extract(epoch from now() - min(queued_at))::float8
        from (select queued_at from usage_pending limit 1000) q) as age`.execute(db)
  const r = row.rows[0]
  return { events: Number(r?.events ?? 0), oldestAgeSeconds: Math.max(0, Number(r?.age ?? 0)) }
}

/** Scheduled runs are looked for this far back; an older last fire shows as no series. */
export const scheduleLookbackSeconds = 7 * 24 * 3600

/**
 * Each live scheduled pipeline's newest `schedule` run (its last fire), as Unix seconds, and whether
 * people paused its schedule: one probe
 * of `runs_pipeline_created_idx` per pipeline, bounded to the look-back.
 */
export async function lastScheduleFires(
  db: Db,
): Promise<{ pipeline: string; firedAt: number | null; paused: boolean }[]> {
  const rows = await sql<{ pipeline: string; fired_at: number | null; paused: boolean }>`
    select p.id as pipeline, p.schedule_paused_at is not null as paused,
      (select extract(epoch from r.created_at)::float8 from runs r
        where r.pipeline_id = p.id and r.trigger = 'schedule'
          and r.created_at > now() - make_interval(secs => ${scheduleLookbackSeconds})
        order by r.created_at desc limit 1) as fired_at
    from pipelines p
    where p.archived_at is null and p.schedule_cron is not null`.execute(db)
  return rows.rows.map((r) => ({
    pipeline: r.pipeline,
    firedAt: r.fired_at === null ? null : Number(r.fired_at),
    paused: Boolean(r.paused),
  }))
}

/**
 * The newest heartbeat of each worker that runs a step now, as an age in seconds: running attempts
 * of active runs (`runs_active_idx`, step runs by run, attempts by step run). An idle worker runs
 * no attempt and has no series here; `steward_queue_workers` counts the connected ones.
 */
export async function workerHeartbeats(db: Db): Promise<{ worker: string; ageSeconds: number }[]> {
  const rows = await sql<{ worker: string; age: number }>`
    select a.worker_id as worker, extract(epoch from now() - max(a.heartbeat_at))::float8 as age
    from runs r
    join step_runs s on s.run_id = r.id
    join attempts a on a.step_run_id = s.id and a.number = s.attempt_count
    where r.status in ('queued', 'running') and s.status = 'running' and a.status = 'running'
      and a.worker_id is not null and a.heartbeat_at is not null
    group by a.worker_id`.execute(db)
  return rows.rows.map((r) => ({ worker: r.worker, ageSeconds: Math.max(0, Number(r.age)) }))
}
