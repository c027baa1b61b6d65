import { readdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type HostileFixture, openHostileFixture } from './support/hostile-fixture.ts'

/**
 * The API's own fuzz suite: a few hundred hostile requests to every route, built from a fixed seed
 * (wrong types, huge and deep JSON, NUL and odd unicode, wrong content types, missing and wrong
 * tokens, hostile path ids and query strings). Whatever comes in: never a 5xx, never a hang, always
 * a message; and what ingestion says it stored is what the database holds.
 */

/** mulberry32: a small seeded generator, so a failure is reproduced by its seed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const nul = '\u0000'
const deepArray = `${'['.repeat(200_000)}${']'.repeat(200_000)}`
const deepObject = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`
const huge = `{"params":{"blob":"${'x'.repeat(5 * 1024 * 1024)}"}}`
const notUtf8: Uint8Array<ArrayBuffer> = new Uint8Array([
  0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x22, 0x7d,
])

/** Scalars and shapes of the wrong type, for any field. */
const wrongValues: unknown[] = [
  null,
  true,
  -1,
  0,
  1.5,
  1e308,
  -0,
  '',
  ' ',
  nul,
  `a${nul}b`,
  '\uD800',
  '\uDFFF x',
  '😀',
  '\u202Eevil',
  'x'.repeat(10_000),
  '../../etc/passwd',
  '/etc/passwd',
  "'; drop table runs; --",
  '2026-02-30',
  '9999-12-31T23:59:59Z',
  [],
  [1, 'two', null],
  {},
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
]

/** Bodies that are not what any route wants. */
const rawBodies: (string | Uint8Array<ArrayBuffer>)[] = [
  '',
  ' ',
  'null',
  '[]',
  '{}',
  '"text"',
  '1e999',
  '{',
  '{"a":1,}',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"\\u0000":1}',
  '{"__proto__":{"isAdmin":true}}',
  'a=1&b=2',
  '<xml/>',
  deepArray,
  deepObject,
  huge,
  notUtf8,
  '\uFEFF{}',
]

const contentTypes = [
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  undefined,
]

// No `..` or `%2e%2e`: URLs collapse them before any route sees the request.
const pathIds = [
  '%00',
  'a%00b',
  '%0A',
  '%C3%BC%F0%9F%98%80',
  'x'.repeat(300),
  'constructor',
  '__proto__',
  '%25',
  '00000000-0000-4000-8000-000000000000',
  'not-a-uuid',
  '%E2%80%AE',
]

/** The parts of an answer the checks read. */
interface Answer {
  error?: { message?: unknown } | string
  accepted?: number
  stored?: unknown
  duplicates?: number[]
  runs?: { created: boolean }[]
  checks?: Record<string, { error?: string }>
}

/**
 * Whether an error answer says why: `{"error":{"code","message"}}` on /api/v1; Slack's callback
 * answers `{"error":"…"}` (Slack shows nothing of it); health names the failing check.
 */
function saysWhy(route: string, body: Answer | undefined): boolean {
  if (route === 'health') return Object.values(body?.checks ?? {}).some((check) => !!check.error)
  if (route === 'slack' && typeof body?.error === 'string') return body.error.length > 0
  const message = typeof body?.error === 'object' ? body.error.message : undefined
  return typeof message === 'string' && message.length > 0
}

interface Fuzzed {
  route: string
  path: string
  init: RequestInit
}

describe.each(testBackends)('the API under fuzzing on $name', (backend) => {
  let f: HostileFixture
  beforeAll(async () => {
    f = await openHostileFixture(backend)
  })
  afterAll(async () => {
    await f?.dispose()
  })

  /** Every route, several times over: hostile bodies, fields, content types, tokens and paths. */
  function cases(): Fuzzed[] {
    const next = random(21)
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T
    const tokens = () =>
      pick<string | undefined>([
        undefined,
        'Bearer',
        'Bearer stw_wrong',
        `Bearer ${f.read}`,
        `Bearer ${f.ingest}`,
        `Basic ${Buffer.from('a:b').toString('base64')}`,
        `Bearer ${'x'.repeat(5000)}`,
      ])
    const headers = (token = tokens()) => {
      const type = pick(contentTypes)
      return { ...(type ? { 'content-type': type } : {}), ...(token ? { authorization: token } : {}) }
    }
    const fieldBody = (fields: string[]) => {
      const body: Record<string, unknown> = {}
      for (const field of fields) if (next() < 0.6) body[field] = pick(wrongValues)
      return JSON.stringify(body)
    }
    const post = (
      route: string,
      path: string,
      body: string | Uint8Array<ArrayBuffer>,
      token?: string,
    ): Fuzzed => ({
      route,
      path,
      init: { method: 'POST', headers: headers(token), body },
    })
    const out: Fuzzed[] = []
    const posts: [string, (id: string) => string, string, string[]][] = [
      ['runs', (id) => `/api/v1/pipelines/${id}/runs`, 'hostile.echo', ['params', 'partition']],
      [
        'backfills',
        (id) => `/api/v1/pipelines/${id}/backfills`,
        'hostile.echo',
        ['from', 'to', 'mode', 'concurrency', 'withDownstream'],
      ],
      ['events', (id) => `/api/v1/events/${id}`, 'hostile-ready', ['params', 'id']],
      ['ack', (id) => `/api/v1/incidents/${id}/ack`, '00000000-0000-4000-8000-000000000000', ['by']],
      [
        'snooze',
        (id) => `/api/v1/incidents/${id}/snooze`,
        '00000000-0000-4000-8000-000000000000',
        ['for', 'until', 'by'],
      ],
      // No body: whatever comes is not read.
      ['cancel-run', (id) => `/api/v1/runs/${id}/cancel`, '00000000-0000-4000-8000-000000000000', []],
      ['retry-run', (id) => `/api/v1/runs/${id}/retry`, '00000000-0000-4000-8000-000000000000', []],
      [
        'cancel-backfill',
        (id) => `/api/v1/backfills/${id}/cancel`,
        '00000000-0000-4000-8000-000000000000',
        [],
      ],
      ['pause', (id) => `/api/v1/pipelines/${id}/schedule/pause`, 'hostile.echo', []],
      ['resume', (id) => `/api/v1/pipelines/${id}/schedule/resume`, 'hostile.echo', []],
    ]
    for (const [route, path, good, fields] of posts) {
      for (const body of rawBodies) out.push(post(route, path(good), body))
      for (let i = 0; i < 20; i++) out.push(post(route, path(good), fieldBody(fields)))
      // Each field alone with each wrong value, so one bad field is not hidden behind another.
      for (const field of fields)
        for (const value of wrongValues) out.push(post(route, path(good), JSON.stringify({ [field]: value })))
      for (let i = 0; i < 6; i++)
        out.push(post(route, path(good), JSON.stringify({ params: { note: pick(wrongValues) } })))
      for (const id of pathIds) out.push(post(route, path(id), '{}'))
    }
    const event = (overrides: Record<string, unknown>) => ({
      product: 'funnel',
      kind: 'view',
      actor: `actor-${Math.floor(next() * 50)}`,
      ...overrides,
    })
    const eventFields = ['product', 'kind', 'actor', 'at', 'source', 'id', 'meta', 'extra']
    for (const body of rawBodies) out.push(post('usage', '/api/v1/usage/events', body, `Bearer ${f.ingest}`))
    for (let i = 0; i < 40; i++) {
      const events = Array.from({ length: 1 + Math.floor(next() * 8) }, () => {
        const overrides: Record<string, unknown> = {}
        for (const field of eventFields) if (next() < 0.25) overrides[field] = pick(wrongValues)
        if (next() < 0.3) overrides.id = `fuzz-${Math.floor(next() * 30)}`
        return next() < 0.1 ? pick(wrongValues) : event(overrides)
      })
      out.push(
        post(
          'usage',
          '/api/v1/usage/events',
          JSON.stringify(next() < 0.5 ? { events } : events),
          `Bearer ${f.ingest}`,
        ),
      )
    }
    // Per field, a batch holding each wrong value in that field alone, between valid events: the
    // valid ones must be stored whatever their neighbours hold.
    for (const field of eventFields) {
      const events = wrongValues.flatMap((value) => [event({ [field]: value }), event({ source: 'fuzz' })])
      out.push(post('usage', '/api/v1/usage/events', JSON.stringify({ events }), `Bearer ${f.ingest}`))
    }
    for (let i = 0; i < 10; i++)
      out.push(post('usage', '/api/v1/usage/events', JSON.stringify({ events: [event({})] })))
    out.push(
      post(
        'usage',
        '/api/v1/usage/events',
        JSON.stringify({ events: Array.from({ length: 1001 }, () => event({})) }),
        `Bearer ${f.ingest}`,
      ),
    )
    const query = () =>
      pick([
        '',
        '?granularity=bogus',
        '?granularity=day&from=%00',
        '?from=2026-13-45&to=2026-01-01',
        '?granularity=week&from=1900-01-01&to=2999-01-01',
        '?to=%F0%9F%98%80',
        `?from=${'9'.repeat(500)}`,
        '?granularity=month&granularity=day',
      ])
    for (const series of ['cost', 'usage'] as const) {
      const route = `product-${series}`
      for (let i = 0; i < 20; i++)
        out.push({ route, path: `/api/v1/products/funnel/${series}${query()}`, init: { headers: headers() } })
      for (const id of pathIds)
        out.push({
          route,
          path: `/api/v1/products/${id}/${series}`,
          init: { headers: headers(`Bearer ${f.read}`) },
        })
    }
    const listValues = [
      '',
      '%00',
      'a%00b',
      '%ED%A0%80',
      'x'.repeat(300),
      'failed',
      'failed,bogus',
      '-1',
      '0',
      '1e9',
      '2026-13-45T00:00:00Z',
      '2026-11-02T08:00:00Z',
      'hostile.echo',
      'bm90LWEtY3Vyc29y',
      `MTc5MzAwMDAwMDEyMzQ1Ni4${'A'.repeat(40)}`,
    ]
    const listParams = ['pipeline', 'product', 'status', 'from', 'to', 'limit', 'cursor']
    for (let i = 0; i < 40; i++) {
      const params = listParams.flatMap((name) => (next() < 0.4 ? [`${name}=${pick(listValues)}`] : []))
      out.push({ route: 'list-runs', path: `/api/v1/runs?${params.join('&')}`, init: { headers: headers() } })
    }
    for (const name of listParams)
      for (const value of listValues)
        out.push({ route: 'list-runs', path: `/api/v1/runs?${name}=${value}`, init: {} })
    out.push({ route: 'openapi', path: '/api/v1/openapi.json', init: { headers: headers() } })
    for (const route of ['runs', 'backfills'] as const)
      for (const id of pathIds) out.push({ route: `get-${route}`, path: `/api/v1/${route}/${id}`, init: {} })
    for (const ledgerQuery of [
      '',
      '?product=funnel&days=7',
      '?product=',
      '?product=%00',
      '?product=%ED%A0%80',
      `?product=${'x'.repeat(500)}`,
      '?days=0',
      '?days=-1',
      '?days=1e3',
      '?days=%00',
      `?days=${'9'.repeat(500)}`,
      '?days=7&days=x',
    ])
      out.push({ route: 'ledger', path: `/api/v1/alerts/ledger${ledgerQuery}`, init: { headers: headers() } })
    const auditQueries = [
      '',
      '?action=bogus',
      '?action=%00',
      '?actorKind=root',
      '?actor=%00',
      `?actor=${'x'.repeat(500)}`,
      '?product=%F0%9F%98%80',
      '?product=%ED%A0%80',
      '?since=2026-13-45',
      '?since=yesterday&until=%00',
      '?before=abc',
      '?before=-1',
      '?before=99999999999999999999',
      '?limit=0',
      '?limit=1e9',
      '?limit=2&before=1',
    ]
    for (const query of auditQueries)
      out.push({ route: 'audit', path: `/api/v1/audit${query}`, init: { headers: headers() } })
    const pixelParams = ['product', 'token', 'actor', 'kind', 'id', 'source']
    const pixelValues = [
      '',
      '%00',
      'funnel',
      f.ingest,
      f.read,
      '%F0%9F%98%80',
      'x'.repeat(3000),
      'VIEW',
      '%ED%A0%80',
    ]
    for (let i = 0; i < 40; i++) {
      const params = pixelParams.flatMap((name) => (next() < 0.7 ? [`${name}=${pick(pixelValues)}`] : []))
      out.push({ route: 'pixel', path: `/api/v1/usage/pixel?${params.join('&')}`, init: {} })
    }
    for (const body of rawBodies) out.push(post('slack', '/api/slack/interactivity', body))
    out.push({ route: 'health', path: '/api/health', init: {} })
    const lineageQueries = [
      '',
      '?product=funnel',
      '?product=runtime-test',
      '?product=',
      '?product=%00',
      '?product=%ED%A0%80',
      '?product=%F0%9F%98%80',
      `?product=${'x'.repeat(3000)}`,
      '?product=a&product=b',
      "?product='%3B%20drop%20table%20runs%3B%20--",
      '?product=__proto__',
    ]
    for (const query of lineageQueries)
      out.push({ route: 'lineage', path: `/api/v1/lineage${query}`, init: { headers: headers() } })
    for (const query of ['', '?name[]=x', `?x=${nul}`, '?format=openmetrics'])
      for (let i = 0; i < 3; i++)
        out.push({ route: 'metrics', path: `/api/metrics${query}`, init: { headers: headers() } })
    return out
  }

  test('reaches every route the app has', async () => {
    const apiRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'app')
    const routes = (await readdir(join(apiRoot, 'api'), { recursive: true }))
      .filter((file) => file.endsWith('route.ts'))
      .map((file) => `/api/${dirname(file)}`.replaceAll('\\', '/'))
    expect(routes.length).toBeGreaterThan(20)
    const paths = cases().map((c) => c.path.split('?')[0] ?? '')
    const unreached = routes.filter((route) => {
      const pattern = new RegExp(`^${route.replaceAll(/\[[^\]]+\]/g, '[^/]+')}$`)
      return !paths.some((path) => pattern.test(path))
    })
    expect(unreached).toEqual([])
  })

  test('never a 5xx, never a hang, always a message; ingestion stores what it accepts', async () => {
    const all = cases()
    expect(all.length).toBeGreaterThan(400)
    const countOf = async (table: 'usage_events' | 'runs') =>
      Number(
        (
          await f.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const eventsBefore = await countOf('usage_events')
    const runsBefore = await countOf('runs')
    let storedEvents = 0
    let createdRuns = 0
    const problems: string[] = []
    for (const [i, c] of all.entries()) {
      const label = `#${i} ${c.route} ${c.init.method ?? 'GET'} ${c.path.slice(0, 80)}`
      let timer: NodeJS.Timeout | undefined
      const hang = new Promise<'hang'>((resolve) => {
        timer = setTimeout(() => resolve('hang'), 15_000)
      })
      const response = await Promise.race([f.app.call(c.path, c.init), hang]).finally(() =>
        clearTimeout(timer),
      )
      if (response === 'hang') {
        problems.push(`${label}: no answer in 15 s`)
        continue
      }
      const status = response.status
      const allowed5xx = c.route === 'health' && status === 503
      if (status >= 500 && !allowed5xx) problems.push(`${label}: ${status}`)
      if (c.route === 'metrics') {
        // Prometheus's text format, or one line saying why not.
        const text = await response.text()
        if (status >= 400 && text.trim().length === 0) problems.push(`${label}: ${status} without a message`)
        continue
      }
      if (c.route === 'pixel') {
        if (status >= 400 && !response.headers.get('x-steward-error'))
          problems.push(`${label}: ${status} without X-Steward-Error`)
        if (status === 200 && !/[?&]id=/.test(c.path)) storedEvents += 1
        await response.arrayBuffer()
        continue
      }
      const text = await response.text()
      let body: Answer | undefined
      try {
        body = JSON.parse(text)
      } catch {
        problems.push(`${label}: ${status} answered no JSON: ${text.slice(0, 80)}`)
        continue
      }
      if (status >= 400 && !saysWhy(c.route, body))
        problems.push(`${label}: ${status} without a message: ${text.slice(0, 120)}`)
      if (/\n\s+at /.test(text)) problems.push(`${label}: a stack trace in the answer`)
      if (c.route === 'usage' && (status === 200 || status === 207)) {
        storedEvents += Number(body?.stored ?? 0)
        if (body?.accepted !== Number(body?.stored) + (body?.duplicates?.length ?? 0))
          problems.push(`${label}: accepted ${body?.accepted} is not stored ${body?.stored} + duplicates`)
      }
      if (c.route === 'runs' && status === 201) createdRuns += 1
      if (c.route === 'events' && status === 202)
        createdRuns += (body?.runs ?? []).filter((r) => r.created).length
    }
    expect(problems).toEqual([])
    // Pixel events with an `id` may be duplicates: counted from the database instead of the answer.
    const pixelWithIds = await f.database.db
      .selectFrom('usage_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('origin', 'like', 'token:%')
      .where('source', '=', 'pixel')
      .where('client_id', 'is not', null)
      .executeTakeFirstOrThrow()
    expect((await countOf('usage_events')) - eventsBefore).toBe(storedEvents + Number(pixelWithIds.n))
    expect((await countOf('runs')) - runsBefore).toBe(createdRuns)
  }, 600_000)
})
