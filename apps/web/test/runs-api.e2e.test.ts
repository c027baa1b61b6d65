import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { RuntimeHarness, testProduct, testQueueBackend } from '@steward/engine/testing'
import { definePipeline, onEvent, staticPartitions } from '@steward/pipelines'
import { testQueueKinds, testRedisUrl } from '@steward/queue/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { ensureNextBuild, type NextServer, startNextServer } from './support/next-app.ts'

/** The runs API against a real worker: POST starts a run, GET follows it to the end. */
const sum = definePipeline({
  id: 'api.sum',
  product: testProduct,
  params: z.object({ n: z.number().int().min(1) }),
  steps: (s) =>
    s
      .step('count', {
        run: async (ctx) => ({ numbers: Array.from({ length: ctx.params.n }, (_, i) => i + 1) }),
      })
      .step('sum', {
        needs: ['count'],
        run: async (_ctx, { count }) => ({ total: count.numbers.reduce((a, b) => a + b, 0) }),
      }),
})

/** A step that runs until its run is cancelled (or 20 s pass): a cancel always finds it running. */
const waits = definePipeline({
  id: 'api.waits',
  product: testProduct,
  steps: (s) =>
    s.step('wait', {
      run: (ctx) =>
        new Promise<{ waited: true }>((resolve) => {
          const done = () => resolve({ waited: true })
          const timer = setTimeout(done, 20_000)
          ctx.signal.addEventListener('abort', () => {
            clearTimeout(timer)
            done()
          })
        }),
    }),
})

const onNumbers = definePipeline({
  id: 'api.on-numbers',
  product: testProduct,
  triggers: [onEvent({ name: 'numbers-ready' })],
  params: z.object({ n: z.number().int().min(1) }),
  steps: (s) => s.step('double', { run: async (ctx) => ({ doubled: ctx.params.n * 2 }) }),
})

const regions = definePipeline({
  id: 'api.regions',
  product: testProduct,
  partitions: staticPartitions(['eu', 'us', 'apac']),
  steps: (s) => s.step('load', { run: async (ctx) => ({ region: ctx.partition.key }) }),
})

beforeAll(async () => {
  await ensureNextBuild()
}, 240_000)

describe.each(testQueueKinds)('the runs and events API on the %s queue', (queue) => {
  let database: TestDatabase | undefined
  let harness: RuntimeHarness | undefined
  let server: NextServer | undefined

  beforeAll(async () => {
    database = await testBackends.find((backend) => backend.name === 'pglite')?.open()
    if (!database) throw new Error('no pglite test backend')
    await migrateToLatest(database.db)
    harness = await new RuntimeHarness(database.db, testQueueBackend(queue, database)).deploy([
      sum,
      onNumbers,
      regions,
      waits,
    ])
    await harness.startWorker()
    server = await startNextServer({
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl,
      STEWARD_QUEUE: queue,
      STEWARD_QUEUE_PREFIX: harness.prefix,
    })
  }, 180_000)

  afterAll(async () => {
    await server?.stop()
    await harness?.dispose()
    await database?.dispose()
  })

  const post = (pipeline: string, body: string) =>
    fetch(`${server?.url}/api/v1/pipelines/${pipeline}/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })

  test('starts a run that a worker completes, and reports its steps and timings', async () => {
    const response = await post('api.sum', JSON.stringify({ params: { n: 10 } }))
    expect(response.status).toBe(201)
    const created = (await response.json()) as { runId: string; status: string; url: string }
    expect(created.status).toBe('queued')
    expect(response.headers.get('location')).toBe(created.url)

    let run: {
      status: string
      steps: { id: string; status: string; output: unknown }[]
      durationMs: number | null
    }
    const deadline = Date.now() + 30_000
    do {
      await new Promise((resolve) => setTimeout(resolve, 100))
      run = await (await fetch(`${server?.url}${created.url}`)).json()
    } while (run.status !== 'succeeded' && run.status !== 'failed' && Date.now() < deadline)

    expect(run.status).toBe('succeeded')
    expect(run.durationMs).toBeGreaterThanOrEqual(0)
    const sumStep = run.steps.find((step) => step.id === 'sum')
    expect(sumStep).toMatchObject({ status: 'succeeded', output: { total: 55 } })
  })

  test('names the param that is wrong and creates no run', async () => {
    const before = await database?.db.selectFrom('runs').select('id').execute()
    const response = await post('api.sum', JSON.stringify({ params: { n: 'ten' } }))
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('PARAMS_INVALID')
    expect(body.error.message).toMatch(/params\.n/)
    const after = await database?.db.selectFrom('runs').select('id').execute()
    expect(after?.length).toBe(before?.length)
  })

  test('answers 400 for a body that is not JSON, 404 for unknown pipelines and runs', async () => {
    const notJson = await post('api.sum', '{params:')
    expect(notJson.status).toBe(400)
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('BODY_INVALID')

    const unknown = await post('no.such.pipeline', '{}')
    expect(unknown.status).toBe(404)
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('PIPELINE_NOT_FOUND')

    const noRun = await fetch(`${server?.url}/api/v1/runs/00000000-0000-4000-8000-000000000000`)
    expect(noRun.status).toBe(404)
    const garbage = await fetch(`${server?.url}/api/v1/runs/not-a-uuid`)
    expect(garbage.status).toBe(404)
  })

  test('an event starts the pipelines that listen to it, once per event id', async () => {
    const send = (name: string, body: unknown) =>
      fetch(`${server?.url}/api/v1/events/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const first = await send('numbers-ready', { params: { n: 21 }, id: 'batch-7' })
    expect(first.status).toBe(202)
    const { runs } = (await first.json()) as {
      runs: { pipelineId: string; runId: string; created: boolean }[]
    }
    expect(runs).toEqual([{ pipelineId: 'api.on-numbers', runId: expect.any(String), created: true }])

    const again = await send('numbers-ready', { params: { n: 21 }, id: 'batch-7' })
    expect(((await again.json()) as { runs: { runId: string; created: boolean }[] }).runs).toEqual([
      { pipelineId: 'api.on-numbers', runId: runs[0]?.runId, created: false },
    ])

    const bad = await send('numbers-ready', { params: { n: 0 } })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/params\.n/)

    const nobody = await send('nobody-listens', {})
    expect(nobody.status).toBe(404)
  })

  test('backfills every partition and reports its progress; a run names its partition', async () => {
    const response = await fetch(`${server?.url}/api/v1/pipelines/api.regions/backfills`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ concurrency: 2 }),
    })
    expect(response.status).toBe(201)
    const created = (await response.json()) as { backfillId: string; partitions: string[]; url: string }
    expect(created.partitions).toEqual(['eu', 'us', 'apac'])
    let progress: { status: string; succeeded: number; total: number; done: boolean }
    const deadline = Date.now() + 30_000
    do {
      await new Promise((resolve) => setTimeout(resolve, 100))
      progress = await (await fetch(`${server?.url}${created.url}`)).json()
    } while (!progress.done && Date.now() < deadline)
    expect(progress).toMatchObject({ status: 'succeeded', succeeded: 3, total: 3, done: true })

    const badKey = await post('api.regions', JSON.stringify({ partition: 'mars' }))
    expect(badKey.status).toBe(400)
    expect(((await badKey.json()) as { error: { message: string } }).error.message).toBe(
      'pipeline api.regions › partition: "mars" is not one of the partitions: "eu", "us", "apac"',
    )
    const badMode = await fetch(`${server?.url}/api/v1/pipelines/api.regions/backfills`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'some' }),
    })
    expect(badMode.status).toBe(400)
    const plain = await fetch(`${server?.url}/api/v1/pipelines/api.sum/backfills`, { method: 'POST' })
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('BACKFILL_INVALID')
  })

  test('lists the runs, retries a cancelled one, and serves the OpenAPI document and its page', async () => {
    const created = (await (await post('api.waits', '{}')).json()) as { runId: string }
    const cancel = await fetch(`${server?.url}/api/v1/runs/${created.runId}/cancel`, { method: 'POST' })
    expect(cancel.status).toBe(200)
    // A step already running stops within a heartbeat: the run is cancelled only then.
    const cancelled = async (runId: string) => {
      const deadline = Date.now() + 30_000
      for (;;) {
        const shown = (await (await fetch(`${server?.url}/api/v1/runs/${runId}`)).json()) as {
          status: string
        }
        if (shown.status === 'cancelled') return
        if (Date.now() > deadline)
          throw new Error(`run ${runId} was not cancelled within 30 s: ${shown.status}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }
    await cancelled(created.runId)
    const retry = await fetch(`${server?.url}/api/v1/runs/${created.runId}/retry`, { method: 'POST' })
    const retried = (await retry.json()) as { runId: string; retryOf: string }
    expect([retry.status, retried.retryOf]).toEqual([201, created.runId])
    const page = (await (await fetch(`${server?.url}/api/v1/runs?pipeline=api.waits&limit=1`)).json()) as {
      runs: { id: string }[]
      nextCursor: string | null
    }
    expect(page.runs.map((run) => run.id)).toEqual([retried.runId])
    expect(page.nextCursor).toEqual(expect.any(String))
    // The retry waits too: cancel it, so that nothing is left running.
    await fetch(`${server?.url}/api/v1/runs/${retried.runId}/cancel`, { method: 'POST' })
    await cancelled(retried.runId)

    const document = await fetch(`${server?.url}/api/v1/openapi.json`)
    expect(document.status).toBe(200)
    expect(((await document.json()) as { openapi: string }).openapi).toBe('3.1.0')
    const reference = await fetch(`${server?.url}/api-reference`)
    expect(reference.status).toBe(200)
    const html = await reference.text()
    expect(html).toContain('<code>POST /api/v1/runs/{id}/retry</code>')
    expect(html).toContain('<code>cursor</code>')
  })
})
