import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EmbeddedServer, openEmbeddedPostgres } from './embedded-postgres.ts'

describe('the embedded database server under concurrent clients', () => {
  let dir: string
  let server: EmbeddedServer
  const pools: pg.Pool[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-wire-'))
    server = await openEmbeddedPostgres(dir)
    // Three pools stand for three processes (web, worker, CLI), four connections each.
    for (let i = 0; i < 3; i++) pools.push(new pg.Pool({ connectionString: server.url, max: 4 }))
    await pools[0]?.query('create table events (pool int not null, n int not null, primary key (pool, n))')
  })
  afterAll(async () => {
    for (const pool of pools) await pool.end()
    await server?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('keeps each connection’s parameterised statements and transactions whole', async () => {
    const perPool = 60
    await Promise.all(
      pools.flatMap((pool, p) =>
        Array.from({ length: perPool }, async (_, n) => {
          if (n % 3 === 0) {
            // A transaction that another connection must not see half of, nor write into.
            const client = await pool.connect()
            try {
              await client.query('begin')
              await client.query('insert into events (pool, n) values ($1, $2)', [p, n])
              const seen = await client.query(
                'select count(*)::int as c from events where pool = $1 and n = $2',
                [p, n],
              )
              expect(seen.rows[0]).toEqual({ c: 1 })
              await client.query('commit')
            } finally {
              client.release()
            }
          } else {
            await pool.query('insert into events (pool, n) values ($1, $2)', [p, n])
          }
        }),
      ),
    )
    const counts = await pools[1]?.query(
      'select pool, count(*)::int as c from events group by pool order by pool',
    )
    expect(counts?.rows).toEqual([
      { pool: 0, c: perPool },
      { pool: 1, c: perPool },
      { pool: 2, c: perPool },
    ])
  })

  it('rolls back what a vanished connection left open, and serves the others', async () => {
    const client = new pg.Client({ connectionString: server.url })
    await client.connect()
    await client.query('begin')
    await client.query('insert into events (pool, n) values (9, 1)')
    // The client goes away mid-transaction (a killed process): its socket closes without COMMIT.
    await client.end()
    const result = await pools[2]?.query('select count(*)::int as c from events where pool = 9')
    expect(result?.rows[0]).toEqual({ c: 0 })
  })

  it('gives each connection the search_path of its startup options, as PostgreSQL does', async () => {
    await pools[0]?.query(
      'create schema if not exists queue_ns; create table if not exists queue_ns.job (id int)',
    )
    const pinned = new pg.Pool({ connectionString: server.url, options: '-c search_path=queue_ns', max: 2 })
    try {
      const [inSchema, plain] = await Promise.all([
        pinned.query('select current_schema() as s, count(*)::int as c from job'),
        pools[1]?.query('select current_schema() as s'),
      ])
      expect(inSchema.rows[0]).toEqual({ s: 'queue_ns', c: 0 })
      expect(plain?.rows[0]).toEqual({ s: 'public' })
    } finally {
      await pinned.end()
    }
  })

  it('delivers a NOTIFY to the connection that listens, whichever connection sent it', async () => {
    const listener = new pg.Client({ connectionString: server.url })
    await listener.connect()
    try {
      await listener.query('-- wake-ups\nLISTEN jobs_ready')
      const heard = new Promise<pg.Notification>((resolve) => listener.once('notification', resolve))
      const sender = await pools[1]?.connect()
      const senderHeard: pg.Notification[] = []
      sender?.on('notification', (n) => senderHeard.push(n))
      await sender?.query(`select pg_notify('jobs_ready', 'steps')`)
      sender?.release()
      expect(await heard).toMatchObject({ channel: 'jobs_ready', payload: 'steps' })
      expect(senderHeard).toEqual([])
    } finally {
      await listener.end()
    }
  })
})
