// The database layer: opening the embedded database, migrating, and how many parameterised
// writes and reads it serves to several processes' pools at once, beside the machine's PostgreSQL.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDb, migrateToLatest } from '@steward/db'
import { testBackends } from '@steward/db/testing'
import pg from 'pg'

const writes = 3000
const reads = 2000

export async function run() {
  const dir = await mkdtemp(join(tmpdir(), 'steward-bench-'))
  let t = performance.now()
  const fresh = await createDb(undefined, { embeddedDataDir: dir })
  const freshMs = performance.now() - t
  t = performance.now()
  await migrateToLatest(fresh.db)
  const migrateMs = performance.now() - t
  await fresh.close()
  t = performance.now()
  const reopened = await createDb(undefined, { embeddedDataDir: dir })
  const reopenMs = performance.now() - t
  console.log(
    `embedded: first open (initdb) ${ms(freshMs)}, migrate ${ms(migrateMs)}, reopen ${ms(reopenMs)}`,
  )
  await throughput('pglite (embedded, 3 pools x 4 connections)', reopened.url)
  await reopened.close()
  await rm(dir, { recursive: true, force: true })

  const postgres = testBackends.find((b) => b.name === 'postgres')
  if (postgres) {
    const opened = await postgres.open()
    await throughput('postgres 15 (3 pools x 4 connections)', opened.url)
    await opened.dispose()
  }
}

async function throughput(label: string, url: string) {
  const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: url, max: 4 }))
  const [first] = pools
  if (!first) return
  await first.query('drop table if exists bench_events')
  await first.query(
    'create table bench_events (id bigint generated always as identity primary key, k text, v float8)',
  )
  let t = performance.now()
  await Promise.all(
    Array.from({ length: writes }, (_, i) =>
      pools[i % 3]?.query('insert into bench_events (k, v) values ($1, $2)', [`k${i % 50}`, i]),
    ),
  )
  const writeMs = performance.now() - t
  const latencies: number[] = []
  t = performance.now()
  await Promise.all(
    Array.from({ length: reads }, async (_, i) => {
      const started = performance.now()
      await pools[i % 3]?.query('select count(*), sum(v) from bench_events where k = $1', [`k${i % 50}`])
      latencies.push(performance.now() - started)
    }),
  )
  const readMs = performance.now() - t
  latencies.sort((a, b) => a - b)
  const p = (q: number) => latencies[Math.floor(q * (latencies.length - 1))] ?? 0
  console.log(
    `${label}: ${writes} inserts in ${ms(writeMs)} (${Math.round(writes / (writeMs / 1000))}/s); ` +
      `${reads} filtered aggregate reads in ${ms(readMs)} (${Math.round(reads / (readMs / 1000))}/s, ` +
      `p50 ${ms(p(0.5))}, p95 ${ms(p(0.95))} under full concurrency)`,
  )
  await first.query('drop table bench_events')
  for (const pool of pools) await pool.end()
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`
