import { CompiledQuery, Kysely, sql } from 'kysely'
import pg from 'pg'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type TestDatabase, testBackends } from '../testing/test-databases.ts'
import { prepared } from './named-statements.ts'
import { StewardDialect } from './steward-dialect.ts'
import type { StewardDialectConfig, StewardPool, StewardPoolClient } from './steward-dialect-config.ts'
import { StewardDriver } from './steward-driver.ts'

interface Ledger {
  ledger: { id: number; note: string }
}

type Options = Omit<StewardDialectConfig, 'pool'>

/** A pool of one connection to `url` that records the text of every query sent through it. */
function recordingPool(url: string): { pool: StewardPool; sent: string[] } {
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  pool.on('error', () => {})
  const sent: string[] = []
  const recorded = new WeakMap<pg.PoolClient, StewardPoolClient>()
  return {
    sent,
    pool: {
      async connect() {
        const client = await pool.connect()
        let wrapped = recorded.get(client)
        if (wrapped === undefined) {
          wrapped = {
            query: (config) => {
              sent.push(config.text)
              return client.query(config)
            },
            release: () => client.release(),
          }
          recorded.set(client, wrapped)
        }
        return wrapped
      },
      end: () => pool.end(),
    },
  }
}

describe.each(testBackends)('StewardDialect ($name)', (backend) => {
  let database: TestDatabase
  const opened: { destroy(): Promise<void> }[] = []
  beforeAll(async () => {
    database = await backend.open()
    await sql`create table ledger (id int primary key, note text not null)`.execute(database.db)
  })
  beforeEach(async () => {
    await sql`truncate ledger`.execute(database.db)
  })
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.destroy()
  })
  afterAll(async () => {
    await database?.dispose()
  })

  /** Committed notes, read through createDb's pool: another connection than the recorded one. */
  const notes = async () =>
    (await sql<{ note: string }>`select note from ledger order by id`.execute(database.db)).rows.map(
      (row) => row.note,
    )

  /** Kysely over the dialect, on one connection: what a statement leaves behind meets the next one. */
  const openRecorded = (options: Options) => {
    const { pool, sent } = recordingPool(database.url)
    const db = new Kysely<Ledger>({ dialect: new StewardDialect({ pool, ...options }) })
    opened.push(db)
    return { db, sent }
  }

  const preparedOn = async <DB>(db: Kysely<DB>) =>
    (
      await sql<{
        name: string
        statement: string
      }>`select name, statement from pg_prepared_statements`.execute(db)
    ).rows

  it('createDb prepares marked statements on PostgreSQL, again at their 4th and 16th runs; never on PGlite', async () => {
    const preparedAfter = (runs: number) =>
      database.db.connection().execute(async (conn) => {
        for (let i = 0; i < runs; i++) await sql`${sql.raw(prepared)} select ${i}::int + 1 as n`.execute(conn)
        await sql`select 1 as unmarked`.execute(conn)
        return preparedOn(conn)
      })
    const names = await preparedAfter(3)
    if (backend.name === 'pglite') {
      expect(names.filter((row) => row.statement.startsWith(prepared))).toEqual([])
      return
    }
    expect(names).toHaveLength(1)
    const first = names[0]?.name ?? ''
    expect(first).toMatch(/^steward_[0-9a-f]{24}_0$/)
    expect(names[0]?.statement.startsWith(prepared)).toBe(true)
    // Each time in place of the one before.
    expect((await preparedAfter(1)).map((row) => row.name)).toEqual([first.replace(/_0$/, '_1')])
    expect((await preparedAfter(11)).map((row) => row.name)).toEqual([first.replace(/_0$/, '_1')])
    expect((await preparedAfter(1)).map((row) => row.name)).toEqual([first.replace(/_0$/, '_2')])
  })

  it('sends marked statements unnamed when named statements are off', async () => {
    const { db } = openRecorded({ namedStatements: false })
    for (let i = 0; i < 5; i++) await sql`${sql.raw(prepared)} select ${i}::int + 1 as n`.execute(db)
    expect(await preparedOn(db)).toEqual([])
  })

  it('keeps a held begin from the next user of a released connection', async () => {
    const { pool, sent } = recordingPool(database.url)
    const driver = new StewardDriver({ pool, deferBegin: true, namedStatements: false })
    opened.push(driver)
    const first = await driver.acquireConnection()
    await driver.beginTransaction(first, {})
    await driver.releaseConnection(first)

    const next = await driver.acquireConnection()
    expect(next).toBe(first)
    await next.executeQuery(CompiledQuery.raw(`insert into ledger values (1, 'committed at once')`))
    await driver.releaseConnection(next)
    expect(sent).toEqual([`insert into ledger values (1, 'committed at once')`])
    expect(await notes()).toEqual(['committed at once'])
  })

  describe.each([{ deferBegin: true }, { deferBegin: false }])(
    'with deferBegin: $deferBegin',
    ({ deferBegin }) => {
      const open = () => openRecorded({ deferBegin, namedStatements: backend.name === 'postgres' })

      it('sends begin with the first statement, and nothing for a transaction that sends none', async () => {
        const { db, sent } = open()
        await db.transaction().execute(async () => {})
        await expect(
          db.transaction().execute(async () => {
            throw new Error('changed my mind')
          }),
        ).rejects.toThrow('changed my mind')
        expect(sent).toEqual(deferBegin ? [] : ['begin', 'commit', 'begin', 'rollback'])

        sent.length = 0
        // First statement without parameters, then one with; then a transaction opened by one with.
        await db.transaction().execute(async (trx) => {
          await sql`insert into ledger values (1, 'first')`.execute(trx)
          await sql`insert into ledger values (${2}, ${'second'})`.execute(trx)
        })
        await db.transaction().execute(async (trx) => {
          await sql`insert into ledger values (${3}, ${'third'})`.execute(trx)
        })
        expect(sent).toEqual([
          ...(deferBegin
            ? [`begin;\ninsert into ledger values (1, 'first')`]
            : ['begin', `insert into ledger values (1, 'first')`]),
          'insert into ledger values ($1, $2)',
          'commit',
          'begin',
          'insert into ledger values ($1, $2)',
          'commit',
        ])
        expect(await notes()).toEqual(['first', 'second', 'third'])
      })

      it('rolls a transaction back whatever its first statement does', async () => {
        const { db } = open()
        await sql`insert into ledger values (1, 'kept')`.execute(db)
        // The first statement fails: without parameters, with, or before the server runs anything.
        await expect(
          db.transaction().execute(async (trx) => {
            await sql`insert into ledger values (1, 'duplicate')`.execute(trx)
          }),
        ).rejects.toThrow(/duplicate key/)
        await expect(
          db.transaction().execute(async (trx) => {
            await sql`insert into ledger values (${1}, ${'duplicate'})`.execute(trx)
          }),
        ).rejects.toThrow(/duplicate key/)
        await expect(
          db.transaction().execute(async (trx) => {
            await sql`insert into ledger valuez (2, 'misspelt')`.execute(trx)
          }),
        ).rejects.toThrow(/syntax error/)
        // A later statement fails, or the code does: the first statement's row goes too.
        await expect(
          db.transaction().execute(async (trx) => {
            await sql`insert into ledger values (3, 'lost')`.execute(trx)
            await sql`insert into ledger values (${1}, ${'duplicate'})`.execute(trx)
          }),
        ).rejects.toThrow(/duplicate key/)
        await expect(
          db.transaction().execute(async (trx) => {
            await sql`insert into ledger values (${4}, ${'lost'})`.execute(trx)
            throw new Error('changed my mind')
          }),
        ).rejects.toThrow('changed my mind')
        // The one connection is out of any transaction: its next statement commits at once.
        await sql`insert into ledger values (5, 'after')`.execute(db)
        expect(await notes()).toEqual(['kept', 'after'])
      })

      it('honours the isolation level and access mode asked for', async () => {
        const { db } = open()
        const level = await db
          .transaction()
          .setIsolationLevel('serializable')
          .execute(
            async (trx) => (await sql<{ level: string }>`show transaction_isolation`.execute(trx)).rows,
          )
        expect(level).toEqual([{ transaction_isolation: 'serializable' }])
        const withParameters = await db
          .transaction()
          .setIsolationLevel('repeatable read')
          .execute(
            async (trx) =>
              (
                await sql<{
                  level: string
                }>`select current_setting(${'transaction_isolation'}) as level`.execute(trx)
              ).rows,
          )
        expect(withParameters).toEqual([{ level: 'repeatable read' }])
        await expect(
          db
            .transaction()
            .setAccessMode('read only')
            .execute(async (trx) => {
              await sql`insert into ledger values (1, 'not allowed')`.execute(trx)
            }),
        ).rejects.toThrow(/read-only transaction/)
        expect(await notes()).toEqual([])
      })

      it('shows a transaction its own writes, and others only once it committed', async () => {
        const { db } = open()
        await db.transaction().execute(async (trx) => {
          await sql`insert into ledger values (1, 'first')`.execute(trx)
          await sql`insert into ledger values (${2}, ${'second'})`.execute(trx)
          expect((await sql<{ n: string }>`select count(*) as n from ledger`.execute(trx)).rows).toEqual([
            { n: '2' },
          ])
          // PGlite runs one connection's transaction at a time: another connection's read would wait.
          if (backend.name === 'postgres') expect(await notes()).toEqual([])
        })
        expect(await notes()).toEqual(['first', 'second'])
      })
    },
  )
})
