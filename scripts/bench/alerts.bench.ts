// Alerts: how long a step failure takes to reach Slack (the local Slack-compatible server), through
// the real path (worker → SQL → the worker's run-ended hook → evaluator → outbox → delivery), and how many
// notifications a storm delivers per second with Slack's pacing (one message a second per channel).
// BENCH_DB: `postgres` (default when it answers) or `pglite`. BENCH_SAMPLES: failures timed (default 60).
import { type Alerts, startAlerts } from '@steward/alerts'
import { SlackServer, seedPipeline, seedProduct, seedRuns, waitUntil } from '@steward/alerts/testing'
import { migrateToLatest } from '@steward/db'
import { testBackends } from '@steward/db/testing'
import {
  compileCatalog,
  createProject,
  deployCatalog,
  NonRetryableError,
  startRun,
  startWorker,
} from '@steward/engine'
import { definePipeline, defineProduct, onFailure, stepFailed } from '@steward/pipelines'
import { deleteQueueKeys } from '@steward/queue'
import { testRedisUrl } from '@steward/queue/testing'

// Read by name, as the engine bench does: these are bench knobs, not build inputs turbo should track.
const setting = (name: string): string | undefined => process.env[name] || undefined
const samples = Number(setting('BENCH_SAMPLES') ?? 60)
const failedAt = new Map<string, number>()

export async function run() {
  const wanted = setting('BENCH_DB') ?? 'postgres'
  const backend = testBackends.find((b) => b.name === wanted) ?? testBackends.find((b) => b.name === 'pglite')
  if (!backend) throw new Error('no database backend to bench on')
  const latency = await failureToSlack(backend)
  const storm = await stormThroughput(backend)
  const summary = { bench: 'alerts', db: backend.name, samples, ...latency, ...storm }
  console.log(JSON.stringify(summary))
}

async function failureToSlack(backend: (typeof testBackends)[number]) {
  const t = await backend.open()
  await migrateToLatest(t.db)
  const slack = await SlackServer.start()
  const prefix = `{steward-bench-alerts-${process.pid}}`
  // One product per sample, each with its own channel: every failure is a first message, never held by a group window.
  const products = Array.from({ length: samples }, (_, i) =>
    defineProduct({
      id: `bench-${i}`,
      name: `Bench ${i}`,
      owners: [{ team: 'bench', slack: `#bench-${i}` }],
    }),
  )
  const pipelines = products.map((product) =>
    definePipeline({
      id: `${product.id}.fail`,
      product,
      alerts: [onFailure()],
      steps: (s) =>
        s.step('explode', {
          retries: 0,
          run: async (ctx) => {
            failedAt.set(`#${product.id}`, performance.timeOrigin + performance.now())
            throw new NonRetryableError(`bench failure in ${ctx.runId}`)
          },
        }),
    }),
  )
  const project = await createProject({ products, pipelines, root: import.meta.dirname })
  await deployCatalog(t.db, compileCatalog(project))
  const worker = await startWorker({
    db: t.db,
    redisUrl: testRedisUrl,
    project,
    prefix,
    reconcile: false,
    concurrency: 4,
  })
  const alerts: Alerts = startAlerts({
    db: t.db,
    slack: { botToken: 'xoxb-bench', apiUrl: slack.apiUrl },
    queue: { backend: { kind: 'redis', url: testRedisUrl }, prefix },
  })
  // Told once a run's end commits, whether its step came from a queue job or was handed on in
  // this worker: a job returns before its end is recorded, so the queue's job events come too early.
  worker.onRunsEnded(alerts.nudge)
  const latencies: number[] = []
  try {
    for (const [i, pipeline] of pipelines.entries()) {
      await startRun(t.db, worker.queue, { pipelineId: pipeline.id, trigger: 'manual' })
      const channel = `#bench-${i}`
      await waitUntil(`the alert for ${pipeline.id}`, () => slack.posts(channel).length === 1, 20_000)
      const arrived = slack.posts(channel)[0]?.at ?? 0
      const threw = failedAt.get(channel) ?? arrived
      latencies.push(arrived - threw)
    }
  } finally {
    await worker.close()
    await alerts.close()
    await slack.close()
    await deleteQueueKeys(testRedisUrl, prefix)
    await t.dispose()
  }
  latencies.sort((a, b) => a - b)
  const p50 = pct(latencies, 0.5)
  const p99 = pct(latencies, 0.99)
  console.log(
    `step failure → Slack request: p50 ${p50} ms, p99 ${p99} ms, max ${Math.round(latencies.at(-1) ?? 0)} ms (${latencies.length} failures)`,
  )
  return { failureToSlackP50Ms: p50, failureToSlackP99Ms: p99 }
}

async function stormThroughput(backend: (typeof testBackends)[number]) {
  const t = await backend.open()
  await migrateToLatest(t.db)
  const slack = await SlackServer.start()
  const products = Array.from({ length: 50 }, (_, i) => `storm-${i}`)
  for (const id of products) {
    await seedProduct(t.db, { id, owners: [`#${id}`] })
    await seedPipeline(t.db, {
      id: `${id}.load`,
      productId: id,
      alerts: [stepFailed()],
      steps: ['s0', 's1', 's2', 's3', 's4'],
    })
  }
  // Slack's pace (one message a second per channel) and a 5 s group window.
  const prefix = `{steward-bench-alerts-storm-${process.pid}}`
  const alerts = startAlerts({
    queue: { backend: { kind: 'redis', url: testRedisUrl }, prefix },
    db: t.db,
    slack: { botToken: 'xoxb-bench', apiUrl: slack.apiUrl },
    groupWindowMs: 5000,
    concurrency: 50,
    runPollMs: 100,
  })
  const started = Date.now()
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
    300_000,
  )
  const doneMs = Date.now() - started
  const notifications = (await t.db.selectFrom('notifications').select('id').execute()).length
  await alerts.close()
  await slack.close()
  await deleteQueueKeys(testRedisUrl, prefix)
  await t.dispose()
  const requests = slack.requests.length
  const perSecond = Math.round((notifications / doneMs) * 10_000) / 10
  console.log(
    `storm: 1,000 step failures over 50 products (seeded in ${seededMs} ms) → ${notifications} notifications, ` +
      `${requests} Slack requests, all delivered in ${doneMs} ms: ${perSecond} notifications/s ` +
      `(${Math.round((requests / doneMs) * 10_000) / 10} requests/s; the ceiling is 1 per second per channel)`,
  )
  return {
    stormNotifications: notifications,
    stormSlackRequests: requests,
    stormDeliveredMs: doneMs,
    stormNotificationsPerS: perSecond,
  }
}

function pct(sorted: readonly number[], q: number): number {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN)
}
