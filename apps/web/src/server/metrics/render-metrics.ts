import type { RuntimeQueue } from '@steward/engine/control'
import { Gauge, Histogram, Registry } from 'prom-client'
import type { Db } from '../read-database.ts'
import {
  activeRunCounts,
  type BucketRow,
  durationBuckets,
  handoffBuckets,
  lastScheduleFires,
  pendingNotifications,
  pendingUsage,
  recentFinishedRunCounts,
  recentWindowSeconds,
  stepHistograms,
  workerHeartbeats,
} from './read-figures.ts'

/** The job states whose counts /metrics shows: what waits, what runs, what waits for its time. */
const queueStates = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const

/**
 * The Prometheus text of one scrape: a fresh registry filled from SQL and the queue now, so two
 * web servers scraped side by side answer the same figures. A queue that does not answer leaves
 * its series out and sets `steward_queue_up` to 0 rather than failing the scrape.
 */
export async function renderMetrics(
  db: Db,
  queue: () => Promise<RuntimeQueue>,
): Promise<{ text: string; contentType: string }> {
  const registry = new Registry()
  const window = `${recentWindowSeconds / 60}m`

  const [active, finished, histograms, notifications, usage, schedules, heartbeats, queueFigures] =
    await Promise.all([
      activeRunCounts(db),
      recentFinishedRunCounts(db),
      stepHistograms(db),
      pendingNotifications(db),
      pendingUsage(db),
      lastScheduleFires(db),
      workerHeartbeats(db),
      readQueue(queue),
    ])

  const activeRuns = new Gauge({
    name: 'steward_runs_active',
    help: 'Runs in flight now, by pipeline and status (queued, running).',
    labelNames: ['pipeline', 'status'],
    registers: [registry],
  })
  for (const r of active) activeRuns.set({ pipeline: r.pipeline, status: r.status }, r.runs)

  const finishedRuns = new Gauge({
    name: 'steward_runs_finished_recent',
    help: `Runs that ended in the last ${window}, by pipeline and status (succeeded, failed, cancelled).`,
    labelNames: ['pipeline', 'status'],
    registers: [registry],
  })
  for (const r of finished) finishedRuns.set({ pipeline: r.pipeline, status: r.status }, r.runs)

  fillHistogram(
    new Histogram({
      name: 'steward_step_duration_seconds',
      help: `Wall time of the step runs that finished in the last ${window} (a window, not a running total: use histogram_quantile without rate()).`,
      buckets: [...durationBuckets],
      registers: [registry],
    }),
    histograms.duration,
  )
  fillHistogram(
    new Histogram({
      name: 'steward_step_handoff_seconds',
      help: `Queued to started of the step runs that started in the last ${window} (a window: use histogram_quantile without rate()).`,
      buckets: [...handoffBuckets],
      registers: [registry],
    }),
    histograms.handoff,
  )

  const notificationsPending = new Gauge({
    name: 'steward_notifications_pending',
    help: 'Slack notifications not yet sent, by destination.',
    labelNames: ['destination'],
    registers: [registry],
  })
  const notificationsAge = new Gauge({
    name: 'steward_notifications_oldest_pending_age_seconds',
    help: 'Age of the oldest unsent Slack notification, by destination.',
    labelNames: ['destination'],
    registers: [registry],
  })
  for (const n of notifications) {
    notificationsPending.set({ destination: n.destination }, n.pending)
    notificationsAge.set({ destination: n.destination }, n.oldestAgeSeconds)
  }

  new Gauge({
    name: 'steward_usage_events_pending',
    help: 'Usage events stored and not yet counted in the rollups (capped at 1,000,000).',
    registers: [registry],
  }).set(usage.events)
  new Gauge({
    name: 'steward_usage_pending_oldest_age_seconds',
    help: 'Age of one of the oldest usage events waiting to be counted; 0 when none waits.',
    registers: [registry],
  }).set(usage.oldestAgeSeconds)

  const lastFire = new Gauge({
    name: 'steward_schedule_last_fire_timestamp_seconds',
    help: 'When each scheduled pipeline last fired (its newest schedule run, within 7 days), Unix seconds.',
    labelNames: ['pipeline'],
    registers: [registry],
  })
  for (const s of schedules) if (s.firedAt !== null) lastFire.set({ pipeline: s.pipeline }, s.firedAt)
  const paused = new Gauge({
    name: 'steward_schedule_paused',
    help: 'Whether each scheduled pipeline’s schedule is paused (1) or fires (0).',
    labelNames: ['pipeline'],
    registers: [registry],
  })
  for (const s of schedules) paused.set({ pipeline: s.pipeline }, s.paused ? 1 : 0)

  const heartbeat = new Gauge({
    name: 'steward_worker_heartbeat_age_seconds',
    help: "Seconds since each worker's newest heartbeat on a step it runs now (workers beat every second).",
    labelNames: ['worker'],
    registers: [registry],
  })
  for (const h of heartbeats) heartbeat.set({ worker: h.worker }, h.ageSeconds)

  new Gauge({
    name: 'steward_queue_up',
    help: 'Whether the runtime queue answered this scrape (1) or not (0).',
    registers: [registry],
  }).set(queueFigures ? 1 : 0)
  if (queueFigures) {
    const jobs = new Gauge({
      name: 'steward_queue_jobs',
      help: 'Jobs on the runtime queue, by state.',
      labelNames: ['state'],
      registers: [registry],
    })
    for (const state of queueStates) jobs.set({ state }, queueFigures.counts[state] ?? 0)
    new Gauge({
      name: 'steward_queue_oldest_waiting_age_seconds',
      help: 'How long the oldest job ready to run has waited for a worker; 0 when none waits.',
      registers: [registry],
    }).set(queueFigures.oldestWaitingAgeSeconds)
    new Gauge({
      name: 'steward_queue_workers',
      help: 'Workers connected to the runtime queue.',
      registers: [registry],
    }).set(queueFigures.workers)
  }

  return { text: await registry.metrics(), contentType: registry.contentType }
}

/**
 * Puts SQL's buckets into a histogram: each bucket's count observed at its mean, which lies inside
 * the bucket, so the buckets, the count and the sum are exact.
 */
function fillHistogram(histogram: Histogram, rows: readonly BucketRow[]): void {
  histogram.zero({})
  for (const row of rows) {
    const mean = row.count > 0 ? row.sum / row.count : 0
    for (let i = 0; i < row.count; i++) histogram.observe(mean)
  }
}

interface QueueFigures {
  counts: Partial<Record<(typeof queueStates)[number], number>>
  oldestWaitingAgeSeconds: number
  workers: number
}

async function readQueue(open: () => Promise<RuntimeQueue>): Promise<QueueFigures | undefined> {
  try {
    const queue = await open()
    const [counts, oldest, workers] = await Promise.all([
      queue.getJobCounts(...queueStates),
      // The wait list's far end is its oldest job; a retry waited out its delay before it got there.
      queue.getJobs(['wait', 'prioritized'], 0, 0, true),
      queue.getWorkersCount(),
    ])
    const now = Date.now()
    const waitingSince = oldest
      .filter((job) => job !== undefined)
      .map((job) => job.timestamp + (job.delay ?? 0))
    const since = waitingSince.length > 0 ? Math.min(...waitingSince) : now
    return { counts, oldestWaitingAgeSeconds: Math.max(0, (now - since) / 1000), workers }
  } catch {
    return undefined
  }
}
