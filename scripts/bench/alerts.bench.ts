// Alerts: how long a step failure takes to reach Slack (the local Slack-compatible server), through
// the real path (worker → SQL → evaluator → outbox → delivery queue → Slack), and how closely a
// storm's posts follow Slack's pace (one message a second per channel, enforced by the stand-in).
//
// Latency is timed for every combination of:
// - the queue backend: Redis, and BullMQ's PostgreSQL backend (in the bench's database);
// - how the failing step finished: `queued` (the run's only step, from a queue job) or `handed on`
//   (the second step of a chain, claimed by the first one's finish in the worker, with no job);
// - how the evaluator learns of the run's end: `hook` (`worker.onRunsEnded`, the evaluator in the
//   worker's process) or `notify` (the database's NOTIFY on every run's end, as an evaluator in
//   another process learns of it: no hook, its own connection).
// The evaluator's poll is set to a minute, so a figure near a second would mean a wake-up was missed.
// Each figure is split where the bench can see it: the failure until the finishing group committed
// the run's end (the worker's own hook) and, for `notify`, until the NOTIFY reached a connection
// (a listener of the bench's own); the rest is evaluation and delivery.
//
// BENCH_DB: `postgres` (default when it answers) or `pglite`. BENCH_SAMPLES: failures timed per
// combination (default 25). BENCH_QUEUES: `redis,postgres` (default both). BENCH_PARTS:
// `latency,storm` (default both).
import { type Alerts, startAlerts } from '@steward/alerts'
import { SlackServer, seedPipeline, seedProduct, seedRuns, waitUntil } from '@steward/alerts/testing'
import { listen, migrateToLatest, runsEndedChannel } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import {
  compileCatalog,
  createProject,
  deployCatalog,
  NonRetryableError,
  type RuntimeWorker,
  startRun,
  startWorker,
} from '@steward/engine'
import { definePipeline, defineProduct, onFailure, stepFailed } from '@steward/pipelines'
import { deleteQueueKeys, type QueueBackend } from '@steward/queue'
import { testRedisUrl } from '@steward/queue/testing'
import { sql } from 'kysely'

// Read by name, as the engine bench does: these are bench knobs, not build inputs turbo should track.
const setting = (name: string): string | undefined => process.env[name] || undefined
const samples = Number(setting('BENCH_SAMPLES') ?? 25)
const queueKinds = (setting('BENCH_QUEUES') ?? 'redis,postgres')
  .split(',')
  .filter((k): k is QueueBackend['kind'] => k === 'redis' || k === 'postgres')
const parts = (setting('BENCH_PARTS') ?? 'latency,storm').split(',')
const failedAt = new Map<string, number>()

type Path = 'queued' | 'handed-on'
type WakeUp = 'hook' | 'notify'
const paths: Path[] = ['queued', 'handed-on']
const wakeUps: WakeUp[] = ['hook', 'notify']

export async function run() {
  const wanted = setting('BENCH_DB') ?? 'postgres'
  const backend = testBackends.find((b) => b.name === wanted) ?? testBackends.find((b) => b.name === 'pglite')
  if (!backend) throw new Error('no database backend to bench on')
  const figures: Record<string, number> = {}
  const all: number[] = []
  for (const kind of parts.includes('latency') ? queueKinds : []) {
    const latencies = await failureToSlack(backend, kind)
    for (const [name, hops] of Object.entries(latencies)) {
      const values = hops.map((h) => h.slack)
      all.push(...values)
      const sorted = [...values].sort((a, b) => a - b)
      const committed = median(hops.map((h) => h.committed))
      const notified = median(hops.flatMap((h) => (h.notified === undefined ? [] : [h.notified])))
      figures[`${kind}.${name}.p50Ms`] = pct(sorted, 0.5)
      figures[`${kind}.${name}.p99Ms`] = pct(sorted, 0.99)
      figures[`${kind}.${name}.endCommittedP50Ms`] = committed
      if (!Number.isNaN(notified)) figures[`${kind}.${name}.notifiedP50Ms`] = notified
      console.log(
        `step failure → Slack request, ${kind} queue, ${name}: p50 ${pct(sorted, 0.5)} ms, p99 ${pct(sorted, 0.99)} ms, max ${Math.round(sorted.at(-1) ?? 0)} ms (${sorted.length}); ` +
          `run end committed at p50 ${committed} ms${Number.isNaN(notified) ? '' : `, NOTIFY received at p50 ${notified} ms`}`,
      )
    }
  }
  all.sort((a, b) => a - b)
  const storms: Record<string, number> = {}
  for (const kind of parts.includes('storm') ? queueKinds : []) {
    for (const [name, value] of Object.entries(await storm(backend, kind))) storms[`${kind}.${name}`] = value
  }
  const summary = {
    bench: 'alerts',
    db: backend.name,
    samples,
    failureToSlackP50Ms: pct(all, 0.5),
    failureToSlackP99Ms: pct(all, 0.99),
    ...figures,
    ...storms,
  }
  console.log(JSON.stringify(summary))
}

/** One timed failure: when the run's end committed, when its NOTIFY arrived, when Slack had the post (ms after the failure). */
interface Hops {
  committed: number
  notified?: number
  slack: number
}

async function failureToSlack(
  backend: (typeof testBackends)[number],
  kind: QueueBackend['kind'],
): Promise<Record<string, Hops[]>> {
  const t = await backend.open()
  await migrateToLatest(t.db)
  const queue: QueueBackend = kind === 'redis' ? { kind, url: testRedisUrl } : { kind, url: t.url }
  const slack = await SlackServer.start()
  const prefix = `{steward-bench-alerts-${kind}-${process.pid}}`
  // One product per sample, each with its own channel: every failure is a first message, never held
  // by a group window or the channel's pace.
  const cases = wakeUps.flatMap((wakeUp) =>
    paths.flatMap((path) =>
      Array.from({ length: samples }, (_, i) => ({ wakeUp, path, channel: `#bench-${wakeUp}-${path}-${i}` })),
    ),
  )
  const fail = (channel: string) => async (ctx: { runId: string }) => {
    failedAt.set(channel, performance.timeOrigin + performance.now())
    throw new NonRetryableError(`bench failure in ${ctx.runId}`)
  }
  const defined = cases.map((c) => {
    const id = c.channel.slice(1)
    const product = defineProduct({ id, name: id, owners: [{ team: 'bench', slack: c.channel }] })
    const pipeline = definePipeline({
      id: `${id}.fail`,
      product,
      alerts: [onFailure()],
      steps: (s) =>
        c.path === 'queued'
          ? s.step('explode', { retries: 0, run: fail(c.channel) })
          : // The failing step is claimed by the first one's finish in the worker: it has no queue job.
            (s
              .step('extract', { run: async () => ({ rows: 1 }) })
              .step('explode', { needs: ['extract'], retries: 0, run: fail(c.channel) }) as never),
    })
    return { ...c, product, pipeline }
  })
  const project = await createProject({
    products: defined.map((d) => d.product),
    pipelines: defined.map((d) => d.pipeline),
    root: import.meta.dirname,
  })
  await deployCatalog(t.db, compileCatalog(project))
  const worker = await startWorker({
    db: t.db,
    backend: queue,
    project,
    prefix,
    reconcile: false,
    concurrency: 4,
  })
  // The first run end and NOTIFY after each failure (the samples run one at a time).
  let committedAt: number | undefined
  let notifiedAt: number | undefined
  const clock = () => performance.timeOrigin + performance.now()
  const unhook = worker.onRunsEnded(() => {
    committedAt ??= clock()
  })
  const notifications = listen(t.url, runsEndedChannel, () => {
    notifiedAt ??= clock()
  })
  await notifications.ready
  const latencies: Record<string, Hops[]> = {}
  try {
    for (const wakeUp of wakeUps) {
      const alerts = await startEvaluator(t, slack, queue, prefix, wakeUp, worker)
      try {
        for (const c of defined.filter((d) => d.wakeUp === wakeUp)) {
          committedAt = undefined
          notifiedAt = undefined
          await startRun(t.db, worker.queue, { pipelineId: c.pipeline.id, trigger: 'manual' })
          await waitUntil(`the alert for ${c.pipeline.id}`, () => slack.posts(c.channel).length === 1, 20_000)
          const arrived = slack.posts(c.channel)[0]?.at ?? 0
          const failed = failedAt.get(c.channel) ?? arrived
          const name = `${c.path}.${wakeUp}`
          latencies[name] = [
            ...(latencies[name] ?? []),
            {
              committed: (committedAt ?? arrived) - failed,
              ...(wakeUp === 'notify' && notifiedAt !== undefined ? { notified: notifiedAt - failed } : {}),
              slack: arrived - failed,
            },
          ]
        }
      } finally {
        await alerts.close()
      }
    }
  } finally {
    unhook()
    await notifications.close()
    await worker.close()
    await slack.close()
    await deleteQueueKeys(queue, prefix)
    await t.dispose()
  }
  return latencies
}

/** The evaluator and delivery, told of run ends by the worker's hook or by the database only. */
async function startEvaluator(
  t: TestDatabase,
  slack: SlackServer,
  queue: QueueBackend,
  prefix: string,
  wakeUp: WakeUp,
  worker: RuntimeWorker,
): Promise<Alerts> {
  const alerts = startAlerts({
    db: t.db,
    ...(wakeUp === 'notify' ? { databaseUrl: t.url } : {}),
    slack: { botToken: 'xoxb-bench', apiUrl: slack.apiUrl },
    queue: { backend: queue, prefix },
    runPollMs: 60_000,
    timerEveryMs: 60_000,
  })
  if (wakeUp === 'hook') {
    const unhook = worker.onRunsEnded(alerts.nudge)
    const close = alerts.close
    alerts.close = async () => {
      unhook()
      await close()
    }
  }
  await alerts.listening
  // The evaluator's cursor starts before the runs.
  await alerts.evaluateNow()
  return alerts
}

/**
 * 1,000 step failures over 50 products, arriving in ten waves, with Slack's pace enforced by the
 * stand-in (a post sooner than a second after the last one to its channel gets a 429): how long the
 * whole storm takes and, per channel, the mean and longest gap between two posts while the second
 * one's message could already be sent (a gap with nothing to send, or whose message was held for
 * its grouping window, says nothing about pacing), the
 * shortest gap of all (never under a second) and the 429s.
 */
async function storm(backend: (typeof testBackends)[number], kind: QueueBackend['kind']) {
  const t = await backend.open()
  await migrateToLatest(t.db)
  const queue: QueueBackend = kind === 'redis' ? { kind, url: testRedisUrl } : { kind, url: t.url }
  const slack = await SlackServer.start()
  slack.channelPaceMs = 1000
  const products = Array.from({ length: 50 }, (_, i) => `storm-${i}`)
  for (const id of products) {
    await seedProduct(t.db, { id, owners: [`#${id}`] })
    await seedPipeline(t.db, {
      id: `${id}.load`,
      productId: id,
      alerts: [onFailure(false), stepFailed()],
      steps: ['s0', 's1', 's2', 's3', 's4'],
    })
  }
  // Slack's pace (one message a second per channel) and a 5 s group window.
  const prefix = `{steward-bench-alerts-storm-${kind}-${process.pid}}`
  const alerts = startAlerts({
    queue: { backend: queue, prefix },
    db: t.db,
    slack: { botToken: 'xoxb-bench', apiUrl: slack.apiUrl },
    groupWindowMs: 5000,
    concurrency: 50,
    runPollMs: 100,
  })
  const started = Date.now()
  // When each notification was first seen sendable: a gap between two posts to a channel counts
  // as one "with work waiting" when the second post's message could already go at the first.
  // Pending is not enough: a first message held for its channel's grouping window
  // (`alert_channels.group_until`) waits on purpose, and a reply cannot go before its thread's
  // first message (deliverNext's rules); those waits are grouping, not pacing.
  const waitingSince = new Map<string, number>()
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      const at = Date.now()
      const { rows } = await sql<{ id: string }>`
        select n.id from notifications n
        left join alert_channels c on c.destination = n.destination
        where n.status = 'pending' and (
          (n.kind = 'first' and (c.group_until is null or c.group_until <= now()))
          or (n.kind <> 'first' and (n.incident_id is null or exists (
            select 1 from notifications f
            where f.incident_id = n.incident_id and f.destination = n.destination
              and f.kind = 'first' and f.slack_ts is not null))))`.execute(t.db)
      for (const row of rows) if (!waitingSince.has(row.id)) waitingSince.set(row.id, at)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()
  for (let wave = 0; wave < 10; wave++) {
    await seedRuns(
      t.db,
      products.flatMap((id) =>
        [0, 1].map((k) => ({
          pipelineId: `${id}.load`,
          productId: id,
          status: 'failed' as const,
          steps: { [`s${(wave * 2 + k) % 5}`]: 'failed' as const },
        })),
      ),
    )
    alerts.nudge()
  }
  const seededMs = Date.now() - started
  await waitUntil(
    'the storm delivered',
    async () => {
      const left = await t.db.selectFrom('notifications').select('id').where('status', '!=', 'sent').execute()
      const fired = await t.db.selectFrom('incidents').select('fire_count').execute()
      return left.length === 0 && fired.reduce((sum, i) => sum + i.fire_count, 0) === 1000
    },
    600_000,
  )
  const doneMs = Date.now() - started
  sampling = false
  await sampler
  const sent = await t.db.selectFrom('notifications').select(['id', 'slack_ts']).execute()
  const notifications = sent.length
  // A post's message was waiting since the earliest sighting of any notification it carried.
  const postWaitingSince = new Map<string, number>()
  for (const n of sent) {
    const since = waitingSince.get(n.id)
    if (!n.slack_ts || since === undefined) continue
    postWaitingSince.set(n.slack_ts, Math.min(since, postWaitingSince.get(n.slack_ts) ?? since))
  }
  await alerts.close()
  await slack.close()
  await deleteQueueKeys(queue, prefix)
  await t.dispose()
  const posts = slack.posts()
  const gaps = products.map((id) => {
    const channel = slack.posts(`#${id}`)
    const between = channel.slice(1).map((post, i) => {
      const before = channel[i]?.at ?? post.at
      const waiting = (postWaitingSince.get(post.ts) ?? Number.POSITIVE_INFINITY) <= before
      return { ms: post.at - before, waiting }
    })
    const busy = between.filter((g) => g.waiting).map((g) => g.ms)
    return {
      mean: busy.length > 0 ? busy.reduce((sum, g) => sum + g, 0) / busy.length : 0,
      longest: Math.max(0, ...busy),
      shortest: between.length > 0 ? Math.min(...between.map((g) => g.ms)) : 0,
      busy: busy.length,
      all: between.length,
    }
  })
  const meanGapMs = Math.round(gaps.reduce((sum, g) => sum + g.mean, 0) / gaps.length)
  const worstMeanGapMs = Math.round(Math.max(...gaps.map((g) => g.mean)))
  const longestGapMs = Math.max(...gaps.map((g) => g.longest))
  const shortestGapMs = Math.min(...gaps.map((g) => g.shortest))
  const refused = slack.refused.filter((r) => r.status === 429).length
  const busyGaps = gaps.reduce((sum, g) => sum + g.busy, 0)
  const allGaps = gaps.reduce((sum, g) => sum + g.all, 0)
  console.log(
    `storm, ${kind} queue: 1,000 step failures over 50 channels (seeded in ${seededMs} ms) → ${notifications} notifications, ` +
      `${posts.length} posts and ${slack.updates().length} updates, all delivered in ${doneMs} ms; ` +
      `gap between posts to a channel with work waiting (${busyGaps} of ${allGaps} gaps): mean ${meanGapMs} ms ` +
      `(worst channel ${worstMeanGapMs} ms), longest ${longestGapMs} ms; shortest of all gaps ${shortestGapMs} ms; ` +
      `${refused} posts refused for pace (429)`,
  )
  return {
    stormNotifications: notifications,
    stormDeliveredMs: doneMs,
    stormMeanGapMs: meanGapMs,
    stormWorstChannelMeanGapMs: worstMeanGapMs,
    stormLongestGapMs: longestGapMs,
    stormShortestGapMs: shortestGapMs,
    stormRefused429: refused,
  }
}

function median(values: readonly number[]): number {
  return pct(
    [...values].sort((a, b) => a - b),
    0.5,
  )
}

function pct(sorted: readonly number[], q: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN)
}
