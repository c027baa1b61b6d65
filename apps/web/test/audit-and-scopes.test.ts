import { fireIncident, Mrkdwn } from '@steward/alerts'
import { testBackends } from '@steward/db/testing'
import { testProduct } from '@steward/engine/testing'
import { dailyPartitions, definePipeline } from '@steward/pipelines'
import { createToken } from '@steward/usage'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { refuseCrossOrigin } from '../src/server/auth/same-origin.ts'
import { echo, type HostileFixture, openHostileFixture } from './support/hostile-fixture.ts'

/**
 * Scoped tokens, the audit log and the Origin check, through the route handlers (no server
 * around them): on PostgreSQL (the audit writer's text handling runs on both databases in
 * packages/db/src/audit/audit-log.test.ts).
 */
const postgres = testBackends.filter((backend) => backend.name === 'postgres')
const other = testProduct.id // the product of the pipeline `hostile.echo`

/** A scheduled, partitioned pipeline, for the schedule and backfill routes. */
const daily = definePipeline({
  id: 'audit.daily',
  product: testProduct,
  schedule: { cron: '0 6 * * *', timezone: 'UTC' },
  partitions: dailyPartitions({ start: '2026-01-01', timezone: 'UTC' }),
  steps: (s) => s.step('noop', { run: async () => ({}) }),
})

describe.each(postgres)('scoped tokens, the audit log and Origin on $name', (backend) => {
  let f: HostileFixture
  /** Tokens: operate and read for every product, and each limited to `funnel`. */
  let operate: string
  let funnelRead: string
  let funnelOperate: string
  let funnelIngest: string
  let runId: string
  let incidentId: string
  beforeAll(async () => {
    f = await openHostileFixture(backend)
    await f.harness.deploy([echo, daily])
    const token = async (name: string, scopes: ('read' | 'operate' | 'ingest')[], products?: string[]) =>
      (await createToken(f.database.db, { name, scopes, products })).token
    operate = await token('ci', ['operate', 'read'])
    funnelRead = await token('funnel-dash', ['read'], ['funnel'])
    funnelOperate = await token('funnel-ci', ['operate'], ['funnel'])
    funnelIngest = await token('funnel-pixel', ['ingest'], ['funnel'])
    await fireIncident(f.database.db, {
      ruleKey: `product:${other}:freshness`,
      ruleKind: 'freshness',
      subjectKey: `product:${other}`,
      productId: other,
      severity: 'warning',
      title: 'stale',
      detail: Mrkdwn.empty,
      destinations: ['#steward'],
      at: new Date(),
      repeat: false,
    })
    incidentId = (await f.database.db.selectFrom('incidents').select('id').executeTakeFirstOrThrow()).id
  })
  afterAll(async () => {
    await f?.dispose()
  })

  const call = (
    path: string,
    init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) =>
    f.app.call(path, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    })
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string } }).error

  test('an operate token starts a run; the audit log says which token, from where, on what', async () => {
    const started = await call('/api/v1/pipelines/hostile.echo/runs', {
      method: 'POST',
      token: operate,
      body: { params: { note: 'hi' } },
      headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.1' },
    })
    expect(started.status).toBe(201)
    runId = ((await started.json()) as { runId: string }).runId
    const row = await f.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'run.start')
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({
      actor_kind: 'token',
      actor: 'ci',
      via: 'api',
      source: '203.0.113.7',
      target_kind: 'run',
      target_id: runId,
      product_id: other,
      details: { pipelineId: 'hostile.echo', params: { note: 'hi' } },
    })
  })

  test("a token limited to products gets 403 on another product's run, cost, pipeline, event and incident", async () => {
    const refused = [
      await call(`/api/v1/runs/${runId}`, { token: funnelRead }),
      await call(`/api/v1/products/${other}/cost`, { token: funnelRead }),
      await call(`/api/v1/products/${other}/usage`, { token: funnelRead }),
      await call('/api/v1/pipelines/hostile.echo/runs', { method: 'POST', token: funnelOperate, body: {} }),
      await call('/api/v1/events/hostile-ready', { method: 'POST', token: funnelOperate, body: {} }),
      await call(`/api/v1/incidents/${incidentId}/ack`, { method: 'POST', token: funnelOperate, body: {} }),
      await call('/api/v1/pipelines/hostile.echo/schedule/pause', { method: 'POST', token: funnelOperate }),
    ]
    for (const response of refused) {
      expect(response.status).toBe(403)
      const error = await errorOf(response)
      expect(error.code).toBe('TOKEN_PRODUCT')
      expect(error.message).toMatch(
        /^the token "funnel-(dash|ci)" is limited to the products funnel; this belongs to another product$/,
      )
    }
    // Its own product answers; an unlimited token reads the run.
    expect((await call('/api/v1/products/funnel/cost', { token: funnelRead })).status).toBe(200)
    expect((await call(`/api/v1/runs/${runId}`, { token: operate })).status).toBe(200)
    // A run or a product nobody has is still a 404, not a 403.
    expect((await call('/api/v1/products/nope/cost', { token: funnelRead })).status).toBe(404)
    const missing = await call('/api/v1/runs/00000000-0000-4000-8000-000000000000', { token: funnelRead })
    expect(missing.status).toBe(404)
    // Nothing was changed by the refused calls.
    expect(
      await f.database.db.selectFrom('runs').select('id').where('pipeline_id', '=', 'hostile.echo').execute(),
    ).toHaveLength(1)
    const incident = await f.database.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow()
    expect(incident.acked_at).toBeNull()
  })

  test('an ingest token limited to products has events for others refused by index and field', async () => {
    const at = new Date(Date.now() - 60_000).toISOString()
    const response = await call('/api/v1/usage/events', {
      method: 'POST',
      token: funnelIngest,
      body: {
        events: [
          { product: 'funnel', kind: 'view', actor: 'a', at },
          { product: other, kind: 'view', actor: 'a', at },
        ],
      },
    })
    expect(response.status).toBe(207)
    expect(await response.json()).toMatchObject({
      accepted: 1,
      stored: 1,
      rejected: [{ index: 1, field: 'product', message: 'this token is limited to the products funnel' }],
    })
  })

  test('acknowledge, snooze, emit and pause are audited with who and what', async () => {
    expect(
      (
        await call(`/api/v1/incidents/${incidentId}/ack`, {
          method: 'POST',
          token: operate,
          body: { by: 'ana' },
        })
      ).status,
    ).toBe(200)
    expect(
      (
        await call(`/api/v1/incidents/${incidentId}/snooze`, {
          method: 'POST',
          token: operate,
          body: { for: '2h' },
        })
      ).status,
    ).toBe(200)
    expect(
      (await call('/api/v1/events/hostile-ready', { method: 'POST', token: operate, body: { id: 'e-1' } }))
        .status,
    ).toBe(202)
    // Without a token on a server without sign-in: the local admin, from the page's own origin.
    expect(
      (
        await call(`/api/v1/incidents/${incidentId}/ack`, {
          method: 'POST',
          body: {},
          headers: { origin: 'http://steward.test' },
        })
      ).status,
    ).toBe(200)
    const rows = await f.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', 'in', ['incident.ack', 'incident.snooze', 'event.emit'])
      .orderBy('id')
      .execute()
    expect(rows).toMatchObject([
      {
        actor: 'ci',
        action: 'incident.ack',
        target_kind: 'incident',
        target_id: incidentId,
        product_id: other,
        details: { by: 'ana' },
      },
      {
        actor: 'ci',
        action: 'incident.snooze',
        target_id: incidentId,
        details: { until: expect.any(String) },
      },
      {
        actor: 'ci',
        action: 'event.emit',
        target_kind: 'event',
        target_id: 'hostile-ready',
        product_id: other,
      },
      { actor_kind: 'local', actor: 'local-admin', via: 'api', action: 'incident.ack' },
    ])
  })

  test('pausing and resuming a schedule and starting a backfill are audited', async () => {
    for (const change of ['pause', 'resume'])
      expect(
        (await call(`/api/v1/pipelines/audit.daily/schedule/${change}`, { method: 'POST', token: operate }))
          .status,
      ).toBe(200)
    const backfill = await call('/api/v1/pipelines/audit.daily/backfills', {
      method: 'POST',
      token: operate,
      body: { from: '2026-01-01', to: '2026-01-02', concurrency: 1 },
    })
    expect(backfill.status).toBe(201)
    const { backfillId } = (await backfill.json()) as { backfillId: string }
    const rows = await f.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', 'in', ['schedule.pause', 'schedule.resume', 'backfill.start'])
      .orderBy('id')
      .execute()
    expect(rows).toMatchObject([
      {
        actor: 'ci',
        action: 'schedule.pause',
        target_kind: 'pipeline',
        target_id: 'audit.daily',
        product_id: other,
      },
      { actor: 'ci', action: 'schedule.resume', target_kind: 'pipeline', target_id: 'audit.daily' },
      {
        actor: 'ci',
        action: 'backfill.start',
        target_kind: 'backfill',
        target_id: backfillId,
        product_id: other,
        details: { pipelineId: 'audit.daily', from: '2026-01-01', to: '2026-01-02', concurrency: 1 },
      },
    ])
  })

  test('GET /api/v1/audit lists newest first, filters, pages, and shows a limited token its products only', async () => {
    const page = await call('/api/v1/audit?limit=2', { token: operate })
    expect(page.status).toBe(200)
    const body = (await page.json()) as {
      entries: { id: string; action: string; actor: unknown }[]
      next: string
    }
    expect(body.entries).toHaveLength(2)
    expect(body.entries[0]).toMatchObject({
      action: 'backfill.start',
      actor: { kind: 'token', name: 'ci', via: 'api', source: null },
    })
    const older = (await (
      await call(`/api/v1/audit?limit=2&before=${body.next}`, { token: operate })
    ).json()) as {
      entries: { id: string }[]
    }
    expect(Number(older.entries[0]?.id)).toBeLessThan(Number(body.entries[1]?.id))
    const starts = (await (
      await call(`/api/v1/audit?action=run.start&product=${other}`, { token: operate })
    ).json()) as {
      entries: { target: { id: string } }[]
    }
    expect(starts.entries.map((e) => e.target.id)).toEqual([runId])
    // The funnel token sees no row of the other product.
    const limited = (await (await call('/api/v1/audit', { token: funnelRead })).json()) as {
      entries: unknown[]
    }
    expect(limited.entries).toEqual([])
    const bad = await call('/api/v1/audit?action=drop', { token: operate })
    expect(bad.status).toBe(400)
    expect((await errorOf(bad)).message).toMatch(/^action must be one of deploy, run\.start/)
  })

  test('a browser request from another origin, or with cookies and no Origin, is refused; bearer requests are not', async () => {
    const runs = () =>
      f.database.db.selectFrom('runs').select('id').where('pipeline_id', '=', 'hostile.echo').execute()
    const before = (await runs()).length
    const foreign = await call('/api/v1/pipelines/hostile.echo/runs', {
      method: 'POST',
      body: {},
      headers: { origin: 'https://evil.example', cookie: 'steward_session=x' },
    })
    expect(foreign.status).toBe(403)
    expect(await errorOf(foreign)).toEqual({
      code: 'ORIGIN_FOREIGN',
      message:
        'this request comes from "https://evil.example", not from Steward at http://steward.test: changes are accepted only from Steward\'s own pages (STEWARD_PUBLIC_URL) or with an API token',
    })
    const missing = await call('/api/v1/pipelines/hostile.echo/runs', {
      method: 'POST',
      body: {},
      headers: { cookie: 'steward_session=x' },
    })
    expect(missing.status).toBe(403)
    expect((await errorOf(missing)).code).toBe('ORIGIN_MISSING')
    expect((await runs()).length).toBe(before)

    const same = await call('/api/v1/pipelines/hostile.echo/runs', {
      method: 'POST',
      body: {},
      headers: { origin: 'http://steward.test', cookie: 'steward_session=x' },
    })
    expect(same.status).toBe(201)
    const bearer = await call('/api/v1/pipelines/hostile.echo/runs', {
      method: 'POST',
      token: operate,
      body: {},
      headers: { origin: 'https://evil.example' },
    })
    expect(bearer.status).toBe(201)
    expect((await runs()).length).toBe(before + 2)

    // Every route that changes something, for a cookie, refuses a foreign origin before acting.
    const changing = f.app.routes.filter(
      ([method, path]) => method === 'POST' && path.startsWith('/api/v1/') && path !== '/api/v1/usage/events',
    )
    expect(changing.length).toBeGreaterThanOrEqual(5)
    for (const [, pattern] of changing) {
      const path = pattern
        .replace(':id', pattern.includes('incidents') ? incidentId : 'hostile.echo')
        .replace(':name', 'hostile-ready')
      const response = await call(path, {
        method: 'POST',
        body: {},
        headers: { origin: 'https://evil.example' },
      })
      expect([path, response.status]).toEqual([path, 403])
    }
  })

  test('STEWARD_PUBLIC_URL is the origin to match when it is set', () => {
    const post = (headers: Record<string, string>) =>
      new Request('http://10.0.0.5:3000/api/v1/pipelines/x/runs', { method: 'POST', headers })
    const publicUrl = 'https://steward.example.com/'
    expect(refuseCrossOrigin(post({ origin: 'https://steward.example.com' }), publicUrl)).toBeUndefined()
    expect(refuseCrossOrigin(post({ origin: 'http://10.0.0.5:3000' }), publicUrl)?.status).toBe(403)
    expect(refuseCrossOrigin(post({ origin: 'null' }), publicUrl)?.status).toBe(403)
    // Unset: the request's own host, as the proxy forwards it.
    expect(
      refuseCrossOrigin(
        post({
          origin: 'https://steward.example.com',
          'x-forwarded-host': 'steward.example.com',
          'x-forwarded-proto': 'https',
        }),
        undefined,
      ),
    ).toBeUndefined()
    // Reading is never refused, and neither is a program without cookies or a bearer request.
    expect(
      refuseCrossOrigin(
        new Request('http://x/api', { headers: { origin: 'https://evil.example' } }),
        publicUrl,
      ),
    ).toBeUndefined()
    expect(refuseCrossOrigin(post({}), publicUrl)).toBeUndefined()
    expect(
      refuseCrossOrigin(post({ authorization: 'Bearer stw_x', origin: 'https://evil.example' }), publicUrl),
    ).toBeUndefined()
  })
})
