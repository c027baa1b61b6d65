import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { RuntimeHarness, testProduct } from '@steward/engine/testing'
import { definePipeline, staticPartitions } from '@steward/pipelines'
import { testRedisUrl } from '@steward/queue/testing'
import { createToken } from '@steward/usage'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { z } from 'zod'
import { openRouteApp, type RouteApp } from './support/route-app.ts'

/**
 * Listing, cancelling and retrying runs and cancelling backfills over HTTP, with sign-in set up so
 * that tokens count: `operate` may change things, `read` may only look. No worker: runs stay
 * queued until cancelled, and a failed run is made by hand.
 */
const notes = definePipeline({
  id: 'control.notes',
  product: testProduct,
  params: z.object({ note: z.string() }),
  steps: (s) => s.step('write', { run: async (ctx) => ({ note: ctx.params.note }) }),
})
const regions = definePipeline({
  id: 'control.regions',
  product: testProduct,
  partitions: staticPartitions(['eu', 'us', 'apac', 'latam']),
  steps: (s) => s.step('load', { run: async (ctx) => ({ region: ctx.partition.key }) }),
})

interface ListedRun {
  id: string
  pipelineId: string
  status: string
  createdAt: string
}
interface RunPage {
  runs: ListedRun[]
  nextCursor: string | null
}

describe.each(testBackends)('the runs control API on $name', (backend) => {
  let database: TestDatabase
  let harness: RuntimeHarness
  let app: RouteApp
  let operate: string
  let read: string
  const started: string[] = []

  beforeAll(async () => {
    database = await backend.open()
    await migrateToLatest(database.db)
    harness = await new RuntimeHarness(database.db).deploy([notes, regions])
    operate = (await createToken(database.db, { name: 'oncall', scopes: ['operate'] })).token
    read = (await createToken(database.db, { name: 'dashboard', scopes: ['read'] })).token
    app = await openRouteApp(database, {
      REDIS_URL: testRedisUrl,
      STEWARD_QUEUE: 'redis',
      STEWARD_QUEUE_PREFIX: harness.prefix,
      STEWARD_OIDC_ISSUER: 'https://login.example.test/',
      STEWARD_OIDC_CLIENT_ID: 'steward',
      STEWARD_SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
    })
    for (let i = 0; i < 5; i++) {
      const response = await post(`/api/v1/pipelines/${notes.id}/runs`, operate, {
        params: { note: `n${i}` },
      })
      expect(response.status).toBe(201)
      started.push(((await response.json()) as { runId: string }).runId)
    }
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await harness?.dispose()
    await database?.dispose()
  })

  const post = (path: string, token: string, body?: unknown) =>
    app.call(path, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const get = (path: string, token = read) =>
    app.call(path, { headers: { authorization: `Bearer ${token}` } })
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string } }).error

  test('lists runs in pages: each once, newest first, the same order twice', async () => {
    const walk = async (query: string) => {
      const ids: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const response = await get(
          `/api/v1/runs?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        )
        expect(response.status).toBe(200)
        const page = (await response.json()) as RunPage
        ids.push(...page.runs.map((run) => run.id))
        cursor = page.nextCursor
        pages += 1
      } while (cursor && pages < 10)
      return { ids, pages }
    }
    const first = await walk(`pipeline=${notes.id}&limit=2`)
    expect(first.pages).toBe(3)
    expect(first.ids).toHaveLength(5)
    expect(new Set(first.ids)).toEqual(new Set(started))
    expect((await walk(`pipeline=${notes.id}&limit=2`)).ids).toEqual(first.ids)
    expect((await walk(`product=${testProduct.id}&limit=3`)).ids).toEqual(first.ids)

    const all = (await (await get(`/api/v1/runs?pipeline=${notes.id}`)).json()) as RunPage
    const times = all.runs.map((run) => Date.parse(run.createdAt))
    expect(times).toEqual([...times].sort((a, b) => b - a))
    expect(all.nextCursor).toBeNull()
    const future = (await (await get('/api/v1/runs?from=2999-01-01T00:00:00Z')).json()) as RunPage
    expect(future.runs).toEqual([])
    const past = (await (await get('/api/v1/runs?to=2000-01-01T00:00:00Z')).json()) as RunPage
    expect(past.runs).toEqual([])
  })

  test('names the query parameter that is wrong', async () => {
    for (const [query, name] of [
      ['status=bogus', '?status'],
      ['limit=0', '?limit'],
      ['limit=x', '?limit'],
      ['from=yesterday', '?from'],
      ['pipeline=a%00b', '?pipeline'],
      ['cursor=not-a-cursor', '?cursor'],
    ] as const) {
      const response = await get(`/api/v1/runs?${query}`)
      expect(response.status, query).toBe(400)
      const error = await errorOf(response)
      expect(error.code).toBe('QUERY_INVALID')
      expect(error.message.startsWith(name), error.message).toBe(true)
    }
  })

  test('cancels a run with an operate token, not with a read token; an unknown run is a 404', async () => {
    const runId = started[0] as string
    const refused = await post(`/api/v1/runs/${runId}/cancel`, read)
    expect(refused.status).toBe(403)
    expect((await errorOf(refused)).code).toBe('TOKEN_SCOPE')
    expect(((await (await get(`/api/v1/runs/${runId}`)).json()) as { status: string }).status).toBe('queued')

    const cancelled = await post(`/api/v1/runs/${runId}/cancel`, operate)
    expect(cancelled.status).toBe(200)
    expect(await cancelled.json()).toEqual({
      runId,
      status: 'cancelled',
      alreadyEnded: false,
      url: `/api/v1/runs/${runId}`,
    })
    const listed = (await (
      await get(`/api/v1/runs?status=cancelled,failed&pipeline=${notes.id}`)
    ).json()) as RunPage
    expect(listed.runs.map((run) => run.id)).toEqual([runId])
    // Again: the run has ended, and stays as it is.
    expect(await (await post(`/api/v1/runs/${runId}/cancel`, operate)).json()).toMatchObject({
      status: 'cancelled',
      alreadyEnded: true,
    })

    const unknown = await post('/api/v1/runs/00000000-0000-4000-8000-000000000000/cancel', operate)
    expect(unknown.status).toBe(404)
    expect(await errorOf(unknown)).toEqual({
      code: 'RUN_NOT_FOUND',
      message: 'no run 00000000-0000-4000-8000-000000000000',
    })
    expect((await post('/api/v1/runs/not-a-run/cancel', operate)).status).toBe(404)
  })

  test('retries a failed run from its failed steps; a run that did not fail is a 409', async () => {
    const runId = started[1] as string
    await database.db
      .updateTable('runs')
      .set({ status: 'failed', finished_at: new Date() })
      .where('id', '=', runId)
      .execute()
    await database.db.updateTable('step_runs').set({ status: 'failed' }).where('run_id', '=', runId).execute()

    expect((await post(`/api/v1/runs/${runId}/retry`, read)).status).toBe(403)
    const retried = await post(`/api/v1/runs/${runId}/retry`, operate)
    expect(retried.status).toBe(201)
    const body = (await retried.json()) as { runId: string; retryOf: string; rerun: string[]; url: string }
    expect(body).toMatchObject({ retryOf: runId, rerun: ['write'], reused: [] })
    expect(retried.headers.get('location')).toBe(body.url)
    const run = (await (await get(body.url)).json()) as { status: string; params: unknown }
    expect(run).toMatchObject({ status: 'queued', params: { note: 'n1' } })

    const notFailed = await post(`/api/v1/runs/${started[2]}/retry`, operate)
    expect(notFailed.status).toBe(409)
    expect((await errorOf(notFailed)).code).toBe('RUN_NOT_RETRYABLE')
    expect((await post('/api/v1/runs/00000000-0000-4000-8000-000000000000/retry', operate)).status).toBe(404)
  })

  test('cancels a backfill with an operate token, not with a read token', async () => {
    const created = await post(`/api/v1/pipelines/${regions.id}/backfills`, operate, { concurrency: 2 })
    expect(created.status).toBe(201)
    const { backfillId, url } = (await created.json()) as { backfillId: string; url: string }

    expect((await post(`${url}/cancel`, read)).status).toBe(403)
    const cancelled = await post(`${url}/cancel`, operate)
    expect(cancelled.status).toBe(200)
    expect(await cancelled.json()).toEqual({ backfillId, cancelledRuns: 4, url })
    const progress = (await (await get(url)).json()) as { status: string; cancelled: number }
    expect(progress).toMatchObject({ status: 'cancelled', cancelled: 4 })

    const unknown = await post('/api/v1/backfills/00000000-0000-4000-8000-000000000000/cancel', operate)
    expect(unknown.status).toBe(404)
    expect((await errorOf(unknown)).code).toBe('BACKFILL_NOT_FOUND')
  })

  test('a backfill body is checked by its schema, naming the field', async () => {
    const response = await post(`/api/v1/pipelines/${regions.id}/backfills`, operate, {
      mode: 'some',
      concurrency: 0,
    })
    expect(response.status).toBe(400)
    const error = await errorOf(response)
    expect(error.code).toBe('BODY_INVALID')
    expect(error.message).toBe(
      'mode: must be one of all, only-failed, only-missing; concurrency: must be a whole number above 0',
    )
  })

  test('serves the OpenAPI document', async () => {
    const response = await app.call('/api/v1/openapi.json')
    expect(response.status).toBe(200)
    const document = (await response.json()) as { paths: Record<string, unknown> }
    expect(Object.keys(document.paths)).toContain('/api/v1/runs/{id}/retry')
  })
})
