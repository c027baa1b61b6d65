// Every page of the web UI server-rendered by a production Next server (`next build` + `next
// start`) against the large database of `npm run seed:large` (2,000 products, 1,000,000 runs,
// 10,000,000 usage events): p50 and p95 of the whole response per page, then the same for the
// queries behind them, to tell database time from render time, and the HTML each page sends (with
// the share that is the inline RSC payload, `self.__next_f.push(…)`, which repeats what server
// components rendered). Targets: under 200 ms at p95 and at most 300 kB of HTML a page.
// Ends with one JSON line.
import { alertLedger, defaultLedgerDays } from '@steward/alerts'
import { createDb } from '@steward/db'
import { sql } from 'kysely'
import { readScheduledPipelines } from '../../apps/web/src/server/health/scheduler-check.ts'
import { readProductFreshness } from '../../apps/web/src/server/health/stale-products-check.ts'
import { getLineage } from '../../apps/web/src/server/queries/get-lineage.ts'
import { getPipelineDetail } from '../../apps/web/src/server/queries/get-pipeline-detail.ts'
import { getPortfolio } from '../../apps/web/src/server/queries/get-portfolio.ts'
import { getProductSummary } from '../../apps/web/src/server/queries/get-product-summary.ts'
import { getRunDetail } from '../../apps/web/src/server/queries/get-run-detail.ts'
import { listCatalogProducts } from '../../apps/web/src/server/queries/list-catalog-products.ts'
import { listIncidents } from '../../apps/web/src/server/queries/list-incidents.ts'
import { ensureNextBuild, startNextServer } from '../../apps/web/test/support/next-app.ts'
import { largeDatabaseUrl } from '../seed/large.ts'

const repeats = 20
const targetMs = 200
/** The most HTML a page may send, in kB (1,024 bytes). */
const targetKb = 300

interface Figures {
  p50Ms: number
  p95Ms: number
}

export async function run() {
  const url = largeDatabaseUrl()
  const opened = await createDb(url, { embeddedDataDir: '' }).catch(() => undefined)
  if (!opened) {
    console.log(`web pages: skipped (no database at ${url}; run \`npm run seed:large\` first)`)
    return
  }
  const { db } = opened
  try {
    const counts = await sql<{ products: string; runs: string; events: string }>`
      select (select count(*) from products)::text as products,
        (select reltuples::bigint from pg_class where relname = 'runs')::text as runs,
        (select reltuples::bigint from pg_class where relname = 'usage_events')::text as events`
      .execute(db)
      .catch(() => undefined)
    const size = counts?.rows[0]
    if (!size || Number(size.products) === 0) {
      console.log(`web pages: skipped (${url} is empty; run \`npm run seed:large\` first)`)
      return
    }
    console.log(
      `database: ${Number(size.products).toLocaleString('en-US')} products, ~${Number(size.runs).toLocaleString('en-US')} runs, ~${Number(size.events).toLocaleString('en-US')} usage events`,
    )
    // The busiest product (most runs and usage), its first pipeline, and that pipeline's newest finished run.
    const ids = (
      await sql<{ product: string; pipeline: string; run: string }>`
        select r.product_id as product, r.pipeline_id as pipeline, r.id as run
        from runs r
        where r.pipeline_id = (select min(id) from pipelines where product_id = 'product-0002')
          and exists (select 1 from step_runs s where s.run_id = r.id)
        order by r.created_at desc limit 1`.execute(db)
    ).rows[0]
    if (!ids) throw new Error('no run with steps in the seeded database: run `npm run seed:large -- --reset`')

    const queries: Record<string, Figures> = {}
    const measureQuery = async (name: string, work: () => Promise<unknown>) => {
      queries[name] = await measure(work)
      report(name, queries[name])
    }
    console.log('\nqueries (database only)')
    await measureQuery('catalog', () => listCatalogProducts(db))
    await measureQuery('product', () => getProductSummary(db, ids.product))
    await measureQuery('pipeline', () => getPipelineDetail(db, ids.pipeline))
    await measureQuery('run', () => getRunDetail(db, ids.run))
    await measureQuery('alerts', () => listIncidents(db, { status: 'all', page: 1 }))
    await measureQuery('alerts, history page 40', () => listIncidents(db, { status: 'resolved', page: 40 }))
    await measureQuery('alerts: ledger, every product', () =>
      alertLedger(db, { since: new Date(Date.now() - defaultLedgerDays * 86_400_000) }),
    )
    await measureQuery('portfolio', () => getPortfolio(db))
    await measureQuery('lineage', () => getLineage(db))
    await measureQuery('health: scheduler', () => readScheduledPipelines(db))
    await measureQuery('health: freshness', () => readProductFreshness(db))

    await ensureNextBuild()
    const server = await startNextServer({
      DATABASE_URL: url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      STEWARD_QUEUE_PREFIX: `{steward-bench-${process.pid}}`,
    })
    const pages: Record<string, Figures & { status: number; kb: number; rscKb: number }> = {}
    try {
      // Two seconds after it starts the server reads the portfolio's figures (seconds of database
      // work at this size, server/cache/warm-page-figures.ts); a /portfolio request waits for that
      // read. Pages are timed once it is done, in the steady state visitors meet.
      const warming = performance.now()
      await new Promise((resolve) => setTimeout(resolve, 2_500))
      await fetch(`${server.url}/portfolio`).then((response) => response.arrayBuffer())
      console.log(
        `  (waited ${((performance.now() - warming) / 1000).toFixed(1)} s for the start-up warm-up)`,
      )
      console.log(`\npages (next start, whole response, ${repeats} requests each)`)
      for (const path of [
        '/',
        `/products/${ids.product}`,
        `/pipelines/${ids.pipeline}`,
        `/runs/${ids.run}`,
        '/alerts',
        '/alerts?status=resolved&page=40',
        '/portfolio',
        '/portfolio?usage=events&page=2',
        '/lineage',
        `/lineage?product=${ids.product}`,
        '/api/health',
      ]) {
        let status = 0
        let body = ''
        const figures = await measure(async () => {
          const response = await fetch(`${server.url}${path}`)
          body = await response.text()
          status = response.status
        })
        const kb = Buffer.byteLength(body) / 1024
        const rscKb = rscBytes(body) / 1024
        pages[path] = { ...figures, status, kb: Math.round(kb), rscKb: Math.round(rscKb) }
        const flag = kb > targetKb ? `  ← over ${targetKb} kB` : ''
        report(`${path} (${status}, ${Math.round(kb)} kB, RSC ${Math.round(rscKb)} kB)`, figures, flag)
      }
    } finally {
      await server.stop()
    }
    const slow = Object.entries(pages).filter(([, f]) => f.p95Ms >= targetMs)
    const heavy = Object.entries(pages).filter(([, f]) => f.kb > targetKb)
    console.log(
      slow.length === 0 && heavy.length === 0
        ? `\nevery page under ${targetMs} ms at p95 and at most ${targetKb} kB of HTML`
        : `\nmissed: ${[
            ...slow.map(([path, f]) => `${path} ${f.p95Ms} ms at p95`),
            ...heavy.map(([path, f]) => `${path} ${f.kb} kB`),
          ].join(', ')}`,
    )
    console.log(JSON.stringify({ bench: 'web-pages', database: size, pages, queries }))
  } finally {
    await opened.close()
  }
}

async function measure(work: () => Promise<unknown>): Promise<Figures> {
  for (let i = 0; i < 3; i++) await work()
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const t = performance.now()
    await work()
    times.push(performance.now() - t)
  }
  times.sort((a, b) => a - b)
  return {
    p50Ms: round(times[Math.floor(times.length / 2)] ?? 0),
    p95Ms: round(times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)] ?? 0),
  }
}

function report(name: string, figures: Figures, extra = '') {
  const flag = figures.p95Ms >= targetMs ? '  ← over target' : ''
  console.log(
    `  ${name.padEnd(44)} p50 ${ms(figures.p50Ms).padStart(9)}  p95 ${ms(figures.p95Ms).padStart(9)}${flag}${extra}`,
  )
}

/** Bytes of the inline RSC payload: the `<script>self.__next_f.push(…)</script>` tags of a page. */
function rscBytes(html: string): number {
  let total = 0
  for (const match of html.matchAll(/<script>self\.__next_f\.push\(.*?<\/script>/gs)) {
    total += Buffer.byteLength(match[0])
  }
  return total
}

const round = (n: number) => Math.round(n * 10) / 10
const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(1)} ms`)
