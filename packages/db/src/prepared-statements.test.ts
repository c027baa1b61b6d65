import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepared } from './prepared-statements.ts'
import { type TestDatabase, testBackends } from './testing/test-databases.ts'

describe.each(testBackends)('statements and transactions through createDb ($name)', (backend) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await backend.open()
    await sql`create table ledger (id int primary key, note text not null)`.execute(database.db)
  })
  afterAll(async () => {
    await database?.dispose()
  })

  const notes = async () =>
    (await sql<{ note: string }>`select note from ledger order by id`.execute(database.db)).rows.map(
      (row) => row.note,
    )

  it('prepares marked statements once per connection on PostgreSQL, never on PGlite', async () => {
    const preparedAfter = (runs: number) =>
      database.db.connection().execute(async (conn) => {
        for (let i = 0; i < runs; i++) await sql`${sql.raw(prepared)} select ${i}::int + 1 as n`.execute(conn)
        await sql`select 1 as unmarked`.execute(conn)
        return (
          await sql<{
            name: string
            statement: string
          }>`select name, statement from pg_prepared_statements`.execute(conn)
        ).rows
      })
    const names = await preparedAfter(3)
    if (backend.name === 'pglite') {
      expect(names.filter((row) => row.statement.startsWith(prepared))).toEqual([])
    } else {
      expect(names).toHaveLength(1)
      expect(names[0]?.name).toMatch(/^steward_[0-9a-f]{24}_0$/)
      expect(names[0]?.statement.startsWith(prepared)).toBe(true)
      // Prepared again at its 4th and 16th runs, each time in place of the one before.
      const later = await preparedAfter(13)
      expect(later.map((row) => row.name)).toEqual([names[0]?.name.replace(/_0$/, '_2')])
    }
  })

  it('keeps a transaction whole when its begin is sent with its first statement', async () => {
    // First statement without parameters (sent as `begin; …` on PostgreSQL), then one with.
    await database.db.transaction().execute(async (trx) => {
      await sql`insert into ledger values (1, 'first')`.execute(trx)
      await sql`insert into ledger values (${2}, ${'second'})`.execute(trx)
    })
    expect(await notes()).toEqual(['first', 'second'])

    // A failure after the first statement rolls the first back too.
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`insert into ledger values (3, 'lost')`.execute(trx)
        await sql`insert into ledger values (${1}, ${'duplicate'})`.execute(trx)
      }),
    ).rejects.toThrow(/duplicate key/)
    // The first statement failing (with parameters, or without) leaves nothing either.
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`insert into ledger values (1, 'duplicate')`.execute(trx)
      }),
    ).rejects.toThrow(/duplicate key/)
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`insert into ledger values (${4}, ${'fine'})`.execute(trx)
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    // A transaction that sends nothing, and the connection after all of that, still work.
    await database.db.transaction().execute(async () => {})
    expect(await notes()).toEqual(['first', 'second'])

    // Reads inside the transaction see its own writes; other connections do not until commit.
    await database.db.transaction().execute(async (trx) => {
      await sql`insert into ledger values (5, 'fifth')`.execute(trx)
      expect((await sql<{ n: string }>`select count(*) as n from ledger`.execute(trx)).rows[0]?.n).toBe('3')
      if (backend.name === 'postgres') expect(await notes()).toEqual(['first', 'second'])
    })
    expect(await notes()).toEqual(['first', 'second', 'fifth'])
  })
})
