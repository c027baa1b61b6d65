// Usage and cost at scale (issue 5): 1,000,000 events through POST /api/v1/usage/events (a
// production build of the web app, concurrent clients, PostgreSQL), then 10,000,000 events in all
// (the rest loaded in SQL and rolled up with rebuildRollups), and how fast the product list and a
// 12-month series answer. Ends with one JSON line: ingest_events_per_s, product_list_ms, series_12m_ms.
// Knobs: BENCH_USAGE_EVENTS (HTTP events, default 1e6), BENCH_USAGE_TOTAL (default 1e7),
// BENCH_USAGE_CLIENTS (default 16).
import { randomBytes } from 'node:crypto'
import { createDb, json, migrateToLatest, type StewardDb } from '@steward/db'
import { testPostgresUrl } from '@steward/db/testing'
import { createToken, productUsageList, rebuildRollups, usageSeries } from '@steward/usage'
import { sql } from 'kysely'
import pg from 'pg'
import { ensureNextBuild, startNextServer } from '../../apps/web/test/support/next-app.ts'

const setting = (name: string, fallback: number): number => Number(process.env[name] || fallback)
const httpEvents = setting('BENCH_USAGE_EVENTS', 1_000_000)
const totalEvents = setting('BENCH_USAGE_TOTAL', 10_000_000)
const clients = setting('BENCH_USAGE_CLIENTS', 16)
const products = 200
const batchSize = 1000
const kinds = ['view', 'view', 'view', 'query', 'download', 'api_call']

export async function run() {
  const name = `steward_bench_usage_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: testPostgresUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  const url = new URL(testPostgresUrl)
  url.pathname = `/${name}`
  let opened: StewardDb | undefined
  let server: Awaited<ReturnType<typeof startNextServer>> | undefined
  try {
    opened = await createDb(url.toString(), { embeddedDataDir: '' })
    const { db } = opened
    await migrateToLatest(db)
    await db
      .insertInto('products')
      .values(
        Array.from({ length: products }, (_, i) => ({
          id: productId(i),
          name: `Product ${i}`,
          owners: json([{ team: `team-${i % 20}`, slack: '#data' }]),
          stakeholders: json([]),
          links: json([]),
          tags: [],
          definition_hash: 'bench',
          budget_monthly_usd: 500,
          created_at: new Date(Date.now() - 400 * 86_400_000),
        })),
      )
      .execute()
    const token = (await createToken(db, { name: 'bench', scopes: ['ingest'] })).token

    console.log('usage: building and starting the web app (next start)…')
    await ensureNextBuild()
    server = await startNextServer({
      DATABASE_URL: url.toString(),
      STEWARD_USAGE_SALT: 'bench-usage-salt-0123456789',
    })

    // Bodies are made before the clock starts: the clients' work is not the server's.
    const bodies: string[] = []
    let seed = 1
    for (let b = 0; b < httpEvents / batchSize; b++) {
      const events = []
      for (let i = 0; i < batchSize; i++) {
        const p = Math.floor(rnd(seed++) * products)
        events.push({
          product: productId(p),
          kind: kinds[Math.floor(rnd(seed++) * kinds.length)],
          actor: `user-${audience(p, rnd(seed++))}@example.com`,
          at: new Date(Date.now() - Math.floor(rnd(seed++) * 30 * 86_400_000)).toISOString(),
          id: `b${b}-${i}`,
        })
      }
      bodies.push(JSON.stringify({ events }))
    }
    const warm = await post(server.url, token, bodies[0] as string)
    if (warm.stored !== batchSize) throw new Error(`the warm-up batch stored ${warm.stored} events`)
    let next = 1
    let stored = warm.stored
    const started = performance.now()
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++] as string
          const result = await post(server?.url as string, token, body)
          stored += result.stored
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const ingestRate = Math.round((stored - warm.stored) / seconds)
    console.log(
      `usage: ingested ${stored - warm.stored} events over HTTP in ${seconds.toFixed(1)} s with ${clients} clients: ${ingestRate} events/s`,
    )
    // The rollups count events off the request path: how long until the last batch is counted.
    const left = await pendingEvents(db)
    while ((await pendingEvents(db)) > 0) await new Promise((resolve) => setTimeout(resolve, 20))
    const countedSeconds = (performance.now() - started) / 1000
    const countedRate = Math.round((stored - warm.stored) / countedSeconds)
    console.log(
      `usage: ${left} events were waiting to be counted when the last batch was answered; the rollups were current ` +
        `${(countedSeconds - seconds).toFixed(2)} s later (${countedRate} events/s stored and counted)`,
    )
    await server.stop()
    server = undefined

    const bulk = totalEvents - stored
    let t = performance.now()
    await loadInSql(opened.url, bulk)
    console.log(
      `usage: loaded ${bulk} more events in SQL in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    )
    t = performance.now()
    await db.transaction().execute((trx) => rebuildRollups(trx))
    await sql`analyze`.execute(db)
    console.log(
      `usage: rebuilt the rollups over ${totalEvents} events in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    )
    const counts = await sql<{ n: string }>`select count(*)::text as n from usage_events`.execute(db)
    console.log(`usage: ${counts.rows[0]?.n} raw events`)

    const listMs = await timed(async () => {
      const list = await productUsageList(db)
      if (list.length !== products) throw new Error(`the product list has ${list.length} products`)
    })
    const seriesMs = await timed(async () => {
      const series = await usageSeries(db, productId(0), { granularity: 'month' })
      if (series.periods.length !== 12) throw new Error('a 12-month series without 12 months')
    })
    const weeksMs = await timed(() => usageSeries(db, productId(1), { granularity: 'week' }).then(() => {}))
    const daysMs = await timed(() =>
      usageSeries(db, productId(2), { granularity: 'day', from: isoDate(-364), to: isoDate(0) }).then(
        () => {},
      ),
    )
    console.log(
      `usage at ${totalEvents} events: product list ${listMs.toFixed(1)} ms, 12-month series ${seriesMs.toFixed(1)} ms, ` +
        `12-week series ${weeksMs.toFixed(1)} ms, 365-day series ${daysMs.toFixed(1)} ms (median of 9 runs)`,
    )
    console.log(
      JSON.stringify({
        ingest_events_per_s: ingestRate,
        ingest_counted_events_per_s: countedRate,
        product_list_ms: Number(listMs.toFixed(1)),
        series_12m_ms: Number(seriesMs.toFixed(1)),
      }),
    )
  } finally {
    await server?.stop()
    await opened?.close()
    await admin.query(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

const productId = (i: number) => `product-${String(i).padStart(3, '0')}`

/** Each product has an audience of its own, a few heavy users and a long tail (about 600 people). */
function audience(product: number, r: number): number {
  return (product * 97 + Math.floor(r ** 3 * 600)) % 40_000
}

function rnd(n: number): number {
  const x = Math.sin(n * 12.9898) * 43_758.5453
  return x - Math.floor(x)
}

async function post(base: string, token: string, body: string): Promise<{ stored: number }> {
  const response = await fetch(`${base}/api/v1/usage/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  })
  if (response.status !== 200) throw new Error(`ingest answered ${response.status}: ${await response.text()}`)
  return (await response.json()) as { stored: number }
}

/** The rest of the events, spread over the last 12 months, in chunks of a million rows. */
async function loadInSql(url: string, count: number) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (let done = 0; done < count; done += 1_000_000) {
      const n = Math.min(1_000_000, count - done)
      await client.query(
        `insert into usage_events (product_id, kind, actor_hash, at, origin)
         select 'product-' || lpad(p::text, 3, '0'),
                (array['view','view','view','query','download','api_call'])[1 + floor(random() * 6)::int],
                md5(((p * 97 + floor(power(random(), 3) * 600)::int) % 40000)::text) || md5('salt'),
                now() - random() * interval '365 days',
                'bench'
         from (select floor(random() * ${products})::int as p from generate_series(1, $1)) g`,
        [n],
      )
    }
  } finally {
    await client.end()
  }
}

async function pendingEvents(db: StewardDb['db']): Promise<number> {
  const row = await sql<{ n: number }>`select count(*)::int as n from usage_pending`.execute(db)
  return row.rows[0]?.n ?? 0
}

async function timed(work: () => Promise<void>): Promise<number> {
  await work()
  const times: number[] = []
  for (let i = 0; i < 9; i++) {
    const t = performance.now()
    await work()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return times[4] as number
}

function isoDate(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)
}
