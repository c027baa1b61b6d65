import { json, migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { startRun, waitForRun } from '@steward/engine'
import { RuntimeHarness, testProduct } from '@steward/engine/testing'
import { definePipeline } from '@steward/pipelines'
import { testRedisUrl } from '@steward/queue/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openRouteApp, type RouteApp } from './support/route-app.ts'

const ok = definePipeline({
  id: 'metrics.ok',
  product: testProduct,
  steps: (s) =>
    s
      .step('extract', { run: async () => ({ rows: 1 }) })
      .step('load', { needs: ['extract'], run: async () => ({}) }),
})
let release: () => void = () => {}
let held = Promise.resolve()
/** A step that waits until the test releases it: its worker beats while it runs. */
const slow = definePipeline({
  id: 'metrics.slow',
  product: testProduct,
  steps: (s) => s.step('wait', { run: () => held.then(() => ({})) }),
})
const broken = definePipeline({
  id: 'metrics.broken',
  product: testProduct,
  steps: (s) =>
    s.step('explode', {
      retries: 0,
      run: async () => {
        throw new Error('boom')
      },
    }),
})

/** One sample of the exposition: `name{labels} value`, labels parsed. */
interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

/**
 * A strict reader of Prometheus's text format (0.0.4): every line is a comment (# HELP, # TYPE)
 * or a sample with a valid metric name, well-formed quoted labels and a float value; a sample's
 * family must have been declared by # TYPE. Throws naming the line otherwise.
 */
function parsePrometheusText(text: string): { samples: Sample[]; types: Map<string, string> } {
  const types = new Map<string, string>()
  const samples: Sample[] = []
  const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$/
  const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)",?/y
  for (const [i, line] of text.split('\n').entries()) {
    if (line === '') continue
    if (line.startsWith('# HELP ')) continue
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line)
    if (type) {
      types.set(type[1] as string, type[2] as string)
      continue
    }
    const m = sampleLine.exec(line)
    if (!m) throw new Error(`line ${i + 1} is not Prometheus text: ${line}`)
    const name = m[1] as string
    const family = name.replace(/_(bucket|sum|count)$/, '')
    if (!types.has(name) && !types.has(family)) throw new Error(`line ${i + 1}: ${name} has no # TYPE`)
    const labels: Record<string, string> = {}
    const body = m[3] ?? ''
    labelPair.lastIndex = 0
    while (labelPair.lastIndex < body.length) {
      const pair = labelPair.exec(body)
      if (!pair) throw new Error(`line ${i + 1}: bad labels ${body}`)
      labels[pair[1] as string] = pair[2] as string
    }
    samples.push({ name, labels, value: Number(m[4]) })
  }
  return { samples, types }
}

describe.each(testBackends)('GET /api/metrics on $name', (backend) => {
  let database: TestDatabase
  let harness: RuntimeHarness
  let app: RouteApp

  beforeAll(async () => {
    held = new Promise<void>((resolve) => {
      release = resolve
    })
    database = await backend.open()
    await migrateToLatest(database.db)
    harness = await new RuntimeHarness(database.db).deploy([ok, broken, slow])
    await harness.startWorker()
    const runs = []
    for (let i = 0; i < 3; i++)
      runs.push(await startRun(database.db, harness.queue, { pipelineId: ok.id, trigger: 'manual' }))
    runs.push(await startRun(database.db, harness.queue, { pipelineId: broken.id, trigger: 'manual' }))
    for (const run of runs) await waitForRun(database.db, run.runId, { timeoutMs: 30_000 })
    // A notification waiting for Slack, a usage event waiting to be counted, a schedule's fire.
    await database.db
      .insertInto('notifications')
      .values({
        destination: '#data-alerts',
        product_id: testProduct.id,
        rule_key: 'product:stale',
        kind: 'first',
        payload: json({ text: 'stale', blocks: [] }),
        status: 'pending',
        created_at: new Date(Date.now() - 120_000),
      })
      .execute()
    await database.db
      .insertInto('usage_pending')
      .values({ product_id: testProduct.id, kind: 'view', actor_hash: 'a'.repeat(64), at: new Date() })
      .execute()
    await database.db
      .updateTable('pipelines')
      .set({ schedule_cron: '*/5 * * * *', schedule_timezone: 'UTC' })
      .where('id', '=', ok.id)
      .execute()
    await database.db
      .updateTable('runs')
      .set({ trigger: 'schedule' })
      .where('pipeline_id', '=', ok.id)
      .execute()
    app = await openRouteApp(database, {
      REDIS_URL: testRedisUrl,
      STEWARD_QUEUE: 'redis',
      STEWARD_QUEUE_PREFIX: harness.prefix,
    })
  }, 120_000)

  afterAll(async () => {
    await app?.close()
    await harness?.dispose()
    await database?.dispose()
  })

  test('answers Prometheus text with the runs, steps, queue, outbox, usage, schedules and workers', async () => {
    const response = await app.call('/api/metrics')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const { samples, types } = parsePrometheusText(await response.text())
    const find = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))

    expect(find('steward_runs_finished_recent', { pipeline: ok.id, status: 'succeeded' })[0]?.value).toBe(3)
    expect(find('steward_runs_finished_recent', { pipeline: broken.id, status: 'failed' })[0]?.value).toBe(1)
    expect(find('steward_runs_active')).toEqual([])

    expect(types.get('steward_step_duration_seconds')).toBe('histogram')
    // 3 × 2 steps succeeded and 1 failed: 7 step runs finished, 7 started.
    expect(find('steward_step_duration_seconds_count')[0]?.value).toBe(7)
    expect(find('steward_step_duration_seconds_bucket', { le: '+Inf' })[0]?.value).toBe(7)
    expect(find('steward_step_handoff_seconds_count')[0]?.value).toBe(7)
    const buckets = find('steward_step_handoff_seconds_bucket').map((s) => s.value)
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b))

    expect(find('steward_notifications_pending', { destination: '#data-alerts' })[0]?.value).toBe(1)
    const age = find('steward_notifications_oldest_pending_age_seconds', { destination: '#data-alerts' })[0]
    expect(age?.value).toBeGreaterThanOrEqual(100)
    expect(find('steward_usage_events_pending')[0]?.value).toBe(1)

    const fired = find('steward_schedule_last_fire_timestamp_seconds', { pipeline: ok.id })[0]?.value ?? 0
    expect(Math.abs(fired - Date.now() / 1000)).toBeLessThan(300)
    expect(find('steward_schedule_paused', { pipeline: ok.id })[0]?.value).toBe(0)

    expect(find('steward_queue_up')[0]?.value).toBe(1)
    expect(find('steward_queue_jobs', { state: 'waiting' })[0]?.value).toBe(0)
    expect(find('steward_queue_oldest_waiting_age_seconds')[0]?.value).toBe(0)
    expect(find('steward_queue_workers')[0]?.value).toBeGreaterThanOrEqual(1)
  })

  test('shows a running step’s worker heartbeat and the queued run', async () => {
    const run = await startRun(database.db, harness.queue, { pipelineId: slow.id, trigger: 'manual' })
    try {
      let beat: Sample | undefined
      for (let i = 0; i < 100 && !beat; i++) {
        const { samples } = parsePrometheusText(await (await app.call('/api/metrics')).text())
        beat = samples.find(
          (s) => s.name === 'steward_worker_heartbeat_age_seconds' && s.labels.worker === 'test-worker-1',
        )
        if (beat) {
          expect(beat.value).toBeLessThan(5)
          const active = samples.find(
            (s) => s.name === 'steward_runs_active' && s.labels.pipeline === slow.id,
          )
          // Each figure is its own query: the run may be read just before its step's claim.
          expect(['queued', 'running']).toContain(active?.labels.status)
        } else await new Promise((r) => setTimeout(r, 100))
      }
      expect(beat).toBeDefined()
    } finally {
      release()
      await waitForRun(database.db, run.runId, { timeoutMs: 30_000 })
    }
  })

  test('answers only a bearer of STEWARD_METRICS_TOKEN when it is set', async () => {
    await app.close()
    app = await openRouteApp(database, {
      REDIS_URL: testRedisUrl,
      STEWARD_QUEUE: 'redis',
      STEWARD_QUEUE_PREFIX: harness.prefix,
      STEWARD_METRICS_TOKEN: 'scrape-secret',
    })
    try {
      const refused = await app.call('/api/metrics')
      expect(refused.status).toBe(401)
      expect(await refused.text()).toBe('steward metrics: send STEWARD_METRICS_TOKEN as a bearer token\n')
      expect(
        (await app.call('/api/metrics', { headers: { authorization: 'Bearer scrape-secre' } })).status,
      ).toBe(401)
      const allowed = await app.call('/api/metrics', { headers: { authorization: 'Bearer scrape-secret' } })
      expect(allowed.status).toBe(200)
      expect(await allowed.text()).toContain('steward_queue_up 1')
    } finally {
      delete process.env.STEWARD_METRICS_TOKEN
    }
  })

  test('shows the jobs waiting on a queue no worker takes from, and the oldest one’s age', async () => {
    const idle = new RuntimeHarness(database.db)
    try {
      await startRun(database.db, idle.queue, { pipelineId: ok.id, trigger: 'manual' })
      await new Promise((r) => setTimeout(r, 1_100))
      await app.close()
      app = await openRouteApp(database, {
        REDIS_URL: testRedisUrl,
        STEWARD_QUEUE: 'redis',
        STEWARD_QUEUE_PREFIX: idle.prefix,
      })
      const { samples } = parsePrometheusText(await (await app.call('/api/metrics')).text())
      const value = (name: string, labels: Record<string, string> = {}) =>
        samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
          ?.value
      expect(value('steward_queue_jobs', { state: 'waiting' })).toBe(1)
      expect(value('steward_queue_oldest_waiting_age_seconds')).toBeGreaterThanOrEqual(1)
      expect(value('steward_queue_workers')).toBe(0)
      expect(value('steward_runs_active', { pipeline: ok.id, status: 'queued' })).toBe(1)
    } finally {
      await idle.dispose()
    }
  })
})
