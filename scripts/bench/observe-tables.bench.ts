// Observing published tables (issue 20, item 8): one full pass of the table observer (the code
// its timer runs) over BENCH_OBSERVE_TABLES (2,000) tables published on a PostgreSQL warehouse,
// against the observer's interval. The warehouse is a scratch database, `steward_bench_wh`, made
// and dropped here: each table has an id, a timestamp, a few columns and 50–950 rows;
// BENCH_OBSERVE_LARGE (3) of them hold 1,200,000 rows each (analysed, so their count is
// PostgreSQL's estimate) with their timestamp indexed, as a large table's would be. The Steward
// database is a test database (`testBackends`), with a catalog of 20 products deployed.
// Prints the pass's time, per-table time (p50/p95: the warehouse time of the table's own
// statements), statements sent and whether the pass fits the interval, then one JSON line.
import { tmpdir } from 'node:os'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends, testPostgresUrl } from '@steward/db/testing'
import {
  compileCatalog,
  createProject,
  deployCatalog,
  observeEveryMs,
  observeTables,
  type QueryTag,
  type WarehouseClient,
  WarehousePools,
} from '@steward/engine'
import { type ConnectionDecl, defineConfig, defineProduct, type SqlParam } from '@steward/pipelines'
import pg from 'pg'

const setting = (name: string): string | undefined => process.env[name] || undefined
const tableCount = Number(setting('BENCH_OBSERVE_TABLES') ?? 2_000)
const largeCount = Number(setting('BENCH_OBSERVE_LARGE') ?? 3)
const largeRows = 1_200_000
const perProduct = 100
const database = 'steward_bench_wh'
if (!Number.isInteger(tableCount) || tableCount < perProduct)
  throw new Error(`BENCH_OBSERVE_TABLES must be a whole number ≥ ${perProduct}, got ${tableCount}`)
if (!Number.isInteger(largeCount) || largeCount < 0 || largeCount > tableCount)
  throw new Error(`BENCH_OBSERVE_LARGE must be a whole number from 0 to ${tableCount}, got ${largeCount}`)

const tableName = (i: number) => `bench.t${String(i).padStart(4, '0')}`

/** Every statement the observer sends, with its warehouse time and the table it is about, if one. */
interface Sent {
  table: string | undefined
  ms: number
}

/** The table a statement is about: named in its text, or the one passed as a parameter (`bench.t0001`, `t0001`). */
function tableOf(text: string, params: readonly unknown[]): string | undefined {
  const inText = /\bfrom (bench\.t\d{4})\b/.exec(text)?.[1]
  if (inText) return inText
  // A statement naming several tables in its parameters (the catalog, batched) is shared by them.
  const inParams = params.filter((p): p is string => typeof p === 'string' && /^(bench\.)?t\d{4}$/.test(p))
  return inParams.length === 1 ? `bench.${inParams[0]?.replace(/^bench\./, '')}` : undefined
}

/** The process's pools, each client counting and timing the statements sent through it. */
class CountingPools extends WarehousePools {
  readonly sent: Sent[] = []
  readonly #wrapped = new Map<WarehouseClient, WarehouseClient>()

  override get(name: string, decl: ConnectionDecl | undefined): WarehouseClient {
    const client = super.get(name, decl)
    let wrapped = this.#wrapped.get(client)
    if (!wrapped) {
      const sent = this.sent
      wrapped = {
        name: client.name,
        kind: client.kind,
        close: () => client.close(),
        async query<T>(text: string, params?: readonly SqlParam[], tag?: QueryTag, signal?: AbortSignal) {
          const result = await client.query<T>(text, params, tag, signal)
          sent.push({ table: tableOf(text, params ?? []), ms: result.ms })
          return result
        },
      } satisfies WarehouseClient
      this.#wrapped.set(client, wrapped)
    }
    return wrapped
  }
}

export async function run(): Promise<void> {
  const postgres = testBackends.find((b) => b.name === 'postgres')
  if (!postgres) throw new Error('the observer bench needs the machine’s PostgreSQL (STEWARD_TEST_PG is off)')
  const admin = new pg.Client({ connectionString: testPostgresUrl })
  await admin.connect()
  const url = new URL(testPostgresUrl)
  url.pathname = `/${database}`
  let t: TestDatabase | undefined
  let pools: CountingPools | undefined
  try {
    await admin.query(`drop database if exists ${database} with (force)`)
    await admin.query(`create database ${database}`)
    const seedMs = await seedWarehouse(url.toString())
    console.log(
      `warehouse: ${tableCount.toLocaleString('en-US')} tables (${largeCount} of ${largeRows.toLocaleString('en-US')} rows) in ${(seedMs / 1000).toFixed(1)} s`,
    )

    t = await postgres.open()
    await migrateToLatest(t.db)
    const deploying = performance.now()
    const products = Array.from({ length: tableCount / perProduct }, (_, p) =>
      defineProduct({
        id: `bench-${p}`,
        name: `Bench ${p}`,
        owners: [{ slack: '#bench' }],
        tables: Array.from({ length: perProduct }, (_, i) => ({
          name: tableName(p * perProduct + i),
          connection: 'wh',
          timestampColumn: 'at',
        })),
      }),
    )
    const project = await createProject({
      products,
      pipelines: [],
      config: defineConfig({
        definitions: ['(code)'],
        connections: { wh: { kind: 'postgres', urlEnv: 'BENCH_WH_URL' } },
      }),
    })
    await deployCatalog(t.db, compileCatalog(project))
    console.log(
      `deployed ${products.length} products in ${((performance.now() - deploying) / 1000).toFixed(1)} s`,
    )

    pools = new CountingPools({ stewardHome: tmpdir(), variables: { BENCH_WH_URL: url.toString() } })
    const passes: Record<string, ReturnType<typeof figures>> = {}
    for (const pass of ['cold', 'warm'] as const) {
      // A pass of the timer (`startTableObserver`): every table not observed in the last half interval.
      if (pass === 'warm') await t.db.deleteFrom('table_observations').execute()
      pools.sent.length = 0
      const started = performance.now()
      const observed = await observeTables(t.db, pools, { olderThanMs: observeEveryMs / 2 })
      const totalMs = performance.now() - started
      const failed = observed.filter((o) => o.error !== null)
      if (observed.length !== tableCount || failed.length > 0)
        throw new Error(
          `observed ${observed.length} tables, ${failed.length} failed: ${failed[0]?.table} ${failed[0]?.error}`,
        )
      const estimated = observed.filter((o) => o.rowCountEstimated).length
      if (estimated !== largeCount) throw new Error(`${estimated} counts estimated, expected ${largeCount}`)
      passes[pass] = figures(totalMs, pools.sent)
      const f = passes[pass]
      console.log(
        `${pass} pass: ${tableCount.toLocaleString('en-US')} tables in ${(f.totalMs / 1000).toFixed(2)} s; per table p50 ${f.tableP50Ms} ms, p95 ${f.tableP95Ms} ms, max ${f.tableMaxMs} ms; ${f.queries.toLocaleString('en-US')} statements (${f.catalogQueries} shared by all tables); ${estimated} counts estimated; ${f.totalMs <= observeEveryMs ? 'fits' : 'does NOT fit'} the ${observeEveryMs / 60_000}-minute interval (${((100 * f.totalMs) / observeEveryMs).toFixed(1)} % of it)`,
      )
    }
    console.log(
      JSON.stringify({
        bench: 'observe-tables',
        tables: tableCount,
        largeTables: largeCount,
        seedMs: Math.round(seedMs),
        intervalMs: observeEveryMs,
        cold: passes.cold,
        warm: passes.warm,
        fits: (passes.cold?.totalMs ?? Number.POSITIVE_INFINITY) <= observeEveryMs,
      }),
    )
  } finally {
    await pools?.close()
    await t?.dispose()
    await admin.query(`drop database if exists ${database} with (force)`)
    await admin.end()
  }
}

/** Creates the tables, 100 per statement, fills them, then analyses the database. */
async function seedWarehouse(url: string): Promise<number> {
  const started = performance.now()
  const wh = new pg.Client({ connectionString: url })
  await wh.connect()
  try {
    await wh.query('create schema bench')
    const largeEvery = largeCount > 0 ? Math.floor(tableCount / largeCount) : Number.POSITIVE_INFINITY
    for (let first = 0; first < tableCount; first += 100) {
      const statements: string[] = []
      for (let i = first; i < Math.min(first + 100, tableCount); i++) {
        const name = tableName(i)
        // Large tables are spread over the products; the rest hold 50–950 rows.
        const large = i % largeEvery === 0 && i / largeEvery < largeCount
        const rows = large ? largeRows : 50 + (i % 10) * 100
        statements.push(
          `create table ${name} (id bigint primary key, at timestamptz not null, host text, kind text, amount numeric(12, 2))`,
          `insert into ${name} select g, timestamptz '2026-12-01 00:00:00Z' - g * interval '1 second', 'host-' || (g % 50), (array['web', 'api', 'batch'])[1 + g % 3], g % 997 from generate_series(1, ${rows}) g`,
        )
        if (large) statements.push(`create index on ${name} (at)`)
      }
      await wh.query(statements.join(';\n'))
    }
    await wh.query('analyze')
  } finally {
    await wh.end()
  }
  return performance.now() - started
}

/** A pass's figures: per-table time is the warehouse time of the statements about that table alone. */
function figures(totalMs: number, sent: readonly Sent[]) {
  const perTable = new Map<string, number>()
  let catalogQueries = 0
  for (const { table, ms } of sent) {
    if (table) perTable.set(table, (perTable.get(table) ?? 0) + ms)
    else catalogQueries += 1
  }
  const sorted = [...perTable.values()].sort((a, b) => a - b)
  const pct = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN).toFixed(2))
  return {
    totalMs: Math.round(totalMs),
    tableP50Ms: pct(0.5),
    tableP95Ms: pct(0.95),
    tableMaxMs: Number((sorted.at(-1) ?? Number.NaN).toFixed(1)),
    queries: sent.length,
    catalogQueries,
  }
}
