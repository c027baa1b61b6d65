// Checks on the data (issue 20, item 8): the built-in checks on a BENCH_CHECK_ROWS-row
// (10,000,000) DuckDB table, one after the other as a step's checks run, each timed on its own.
// The table holds a few failing rows for each check, so each also fetches its 5-row sample.
// Prints each check's time and failing rows, then one JSON line.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type CheckResult, openWarehouse, runTableChecks } from '@steward/engine'
import { checkNameOf, type TableCheck } from '@steward/pipelines'

const setting = (name: string): string | undefined => process.env[name] || undefined
const rows = Number(setting('BENCH_CHECK_ROWS') ?? 10_000_000)
if (!Number.isInteger(rows) || rows < 1000)
  throw new Error(`BENCH_CHECK_ROWS must be a whole number ≥ 1000, got ${rows}`)

const checks: TableCheck[] = [
  { kind: 'notNull', column: 'host' },
  { kind: 'unique', columns: ['id'] },
  { kind: 'unique', columns: ['host', 'day'], severity: 'warn' },
  { kind: 'acceptedValues', column: 'kind', values: ['web', 'api', 'batch'] },
  { kind: 'rowCount', min: 1, max: rows - 1 },
  { kind: 'relationship', column: 'host', to: { table: 'analytics.hosts', column: 'host' } },
  { kind: 'sql', name: 'no negative counts', sql: 'select * from analytics.events where n < 0' },
]

export async function run(): Promise<void> {
  const home = await mkdtemp(path.join(tmpdir(), 'steward-bench-checks-'))
  const warehouse = openWarehouse(
    'warehouse',
    { kind: 'duckdb', file: 'warehouse.duckdb' },
    { stewardHome: home, variables: {} },
  )
  try {
    const seeding = performance.now()
    await warehouse.query('create schema analytics')
    await warehouse.query("create table analytics.hosts as select 'host-' || i as host from range(1000) t(i)")
    // Failing rows: 3 null hosts, 2 rows sharing an id, 4 unknown kinds, 5 hosts not in analytics.hosts,
    // 6 negative counts; the row count is one past max.
    await warehouse.query(`
      create table analytics.events as
      select
        case when i < 2 then i + 1 else i end as id,
        case when i between 10 and 12 then null
             when i between 20 and 24 then 'stranger-' || i
             else 'host-' || (i % 1000) end as host,
        date '2026-01-01' + cast(i // 1000 as integer) as day,
        case when i between 30 and 33 then 'unknown' else ['web', 'api', 'batch'][1 + i % 3] end as kind,
        case when i between 40 and 45 then -1 else i % 97 end as n,
        'user-' || i || '@example.com' as email
      from range(${rows}) t(i)`)
    const seedMs = performance.now() - seeding
    console.log(`seeded ${rows.toLocaleString('en-US')} rows in ${(seedMs / 1000).toFixed(1)} s`)
    const sql = {
      connection: 'warehouse',
      kind: 'duckdb' as const,
      query: <T>(text: string, params?: readonly (string | number | boolean | null)[]) =>
        warehouse.query<T>(text, params ?? []),
    }
    const results: CheckResult[] = []
    for (const check of checks) {
      const [result] = await runTableChecks(sql, {
        name: 'analytics.events',
        productId: 'bench',
        connection: 'warehouse',
        timestampColumn: null,
        partitionColumn: null,
        personal: ['email'],
        checks: [{ ...check, name: checkNameOf(check), severity: check.severity ?? 'error' }],
      })
      if (!result) throw new Error(`no result for ${checkNameOf(check)}`)
      if (result.status === 'error') throw new Error(`${result.name}: ${result.error}`)
      if (JSON.stringify(result.sample).includes('example.com'))
        throw new Error(`${result.name} sampled a personal column`)
      results.push(result)
      console.log(
        `${result.name.padEnd(42)} ${`${result.durationMs.toFixed(0)} ms`.padStart(9)}  ${result.failingCount} failing rows`,
      )
    }
    console.log(
      JSON.stringify({
        bench: 'checks',
        rows,
        seedMs: Math.round(seedMs),
        checks: results.map((r) => ({
          check: r.name,
          ms: Math.round(r.durationMs),
          failing: r.failingCount,
        })),
        totalMs: Math.round(results.reduce((sum, r) => sum + r.durationMs, 0)),
      }),
    )
  } finally {
    await warehouse.close()
    await rm(home, { recursive: true, force: true })
  }
}
