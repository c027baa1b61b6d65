import { testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { bodyLimits } from '../src/server/api/body-limits.ts'
import { type HostileFixture, openHostileFixture } from './support/hostile-fixture.ts'

/**
 * Bad input at the API's door, on each database: text PostgreSQL cannot store, ids no record can
 * have, bodies past their limit. Never a 500, never a valid event lost.
 */
const nul = '\u0000'

describe.each(testBackends)('hostile input to the API on $name', (backend) => {
  let f: HostileFixture
  beforeAll(async () => {
    f = await openHostileFixture(backend)
  })
  afterAll(async () => {
    await f?.dispose()
  })

  const json = (path: string, body: unknown, token?: string) =>
    f.app.call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const countEvents = async () =>
    Number(
      (
        await f.database.db
          .selectFrom('usage_events')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  test('a usage batch with NUL in a field: that event is refused by index and field, the rest stored', async () => {
    const at = new Date(Date.now() - 60_000).toISOString()
    const good = { product: 'funnel', kind: 'view', actor: 'ana@example.com', at }
    const before = await countEvents()
    const response = await json(
      '/api/v1/usage/events',
      {
        events: [
          good,
          { ...good, source: `dash${nul}board` },
          { ...good, meta: { note: `x${nul}` } },
          { ...good, id: `evt${nul}` },
          { ...good, source: 'fine' },
        ],
      },
      f.ingest,
    )
    expect(response.status).toBe(207)
    expect(await response.json()).toEqual({
      accepted: 2,
      stored: 2,
      duplicates: [],
      rejected: [
        { index: 1, field: 'source', message: expect.stringMatching(/NUL/) },
        { index: 2, field: 'meta.note', message: expect.stringMatching(/NUL/) },
        { index: 3, field: 'id', message: expect.stringMatching(/NUL/) },
      ],
    })
    expect((await countEvents()) - before).toBe(2)
  })

  test('a path id with NUL, a control character or 300 characters is a 400 on every route', async () => {
    const bad = ['%00', 'a%0Ab', 'x'.repeat(300)]
    for (const id of bad) {
      const calls = [
        f.app.call(`/api/v1/products/${id}/cost`, { headers: { authorization: `Bearer ${f.read}` } }),
        f.app.call(`/api/v1/products/${id}/usage`, { headers: { authorization: `Bearer ${f.read}` } }),
        f.app.call(`/api/v1/runs/${id}`),
        f.app.call(`/api/v1/backfills/${id}`),
        json(`/api/v1/pipelines/${id}/runs`, {}),
        json(`/api/v1/pipelines/${id}/backfills`, {}),
        json(`/api/v1/events/${id}`, {}),
        json(`/api/v1/incidents/${id}/ack`, {}),
        json(`/api/v1/incidents/${id}/snooze`, { for: '1h' }),
        json(`/api/v1/runs/${id}/cancel`, {}),
        json(`/api/v1/runs/${id}/retry`, {}),
        json(`/api/v1/backfills/${id}/cancel`, {}),
        json(`/api/v1/pipelines/${id}/schedule/pause`, {}),
        json(`/api/v1/pipelines/${id}/schedule/resume`, {}),
      ]
      for (const response of await Promise.all(calls)) {
        expect(response.status, response.url).toBe(400)
        expect(await response.json()).toEqual({
          error: { code: 'PATH_INVALID', message: expect.stringMatching(/id in the path/) },
        })
      }
    }
  })

  test('NUL in a run’s params is a 400 naming the field, and no run is created', async () => {
    const runs = async () => (await f.database.db.selectFrom('runs').select('id').execute()).length
    const before = await runs()
    const response = await json('/api/v1/pipelines/hostile.echo/runs', { params: { note: `a${nul}b` } })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({
      error: { code: 'BODY_INVALID', message: expect.stringMatching(/^params\.note holds a NUL/) },
    })
    const event = await json('/api/v1/events/hostile-ready', { params: {}, id: `e${nul}` })
    expect(event.status).toBe(400)
    expect(await runs()).toBe(before)
    // Storable unicode goes through.
    const fine = await json('/api/v1/pipelines/hostile.echo/runs', { params: { note: 'ünï 😀 \u202e' } })
    expect(fine.status).toBe(201)
  })

  test('a body past its limit is a 413 before it is read past the limit', async () => {
    // A 60 MB body, sent without Content-Length: the reader must stop soon after the limit.
    let sent = 0
    const chunk = new Uint8Array(64 * 1024).fill(0x20)
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 60 * 1024 * 1024) return controller.close()
        sent += chunk.byteLength
        controller.enqueue(chunk)
      },
    })
    const streamed = await f.app.call('/api/v1/usage/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${f.ingest}` },
      body: endless,
    })
    expect(streamed.status).toBe(413)
    expect(await streamed.json()).toEqual({
      error: { code: 'BODY_TOO_LARGE', message: expect.stringMatching(/4 MB/) },
    })
    expect(sent).toBeLessThan(bodyLimits.usageBatch + 4 * chunk.byteLength)

    // A Content-Length past the limit: refused before a byte is read.
    let pulled = 0
    const declared = await f.app.call('/api/v1/pipelines/hostile.echo/runs', {
      method: 'POST',
      headers: { 'content-length': String(60 * 1024 * 1024) },
      body: new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1
          controller.enqueue(chunk)
        },
      }),
    })
    expect(declared.status).toBe(413)
    expect(pulled).toBeLessThanOrEqual(1)

    // Just under the limit is read (and then judged on its content).
    const under = await json('/api/v1/pipelines/hostile.echo/runs', {
      params: { note: 'x'.repeat(200 * 1024) },
    })
    expect(under.status).toBe(201)
    const over = await json('/api/v1/pipelines/hostile.echo/runs', {
      params: { note: 'x'.repeat(300 * 1024) },
    })
    expect(over.status).toBe(413)
  })

  test('JSON nested a million deep is a 400, not a stack overflow', async () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`
    const usage = await json('/api/v1/usage/events', deep, f.ingest)
    expect(usage.status).toBe(400)
    expect(await usage.json()).toEqual({
      error: { code: 'BODY_INVALID', message: expect.stringMatching(/nests deeper/) },
    })
    const run = await json(
      '/api/v1/pipelines/hostile.echo/runs',
      `{"params":{"note":${'['.repeat(100)}${']'.repeat(100)}}}`,
    )
    expect(run.status).toBe(400)
  })
})
