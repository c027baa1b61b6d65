import { join } from 'node:path'
import { createDb, migrations as knownMigrations, migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { lines, runSteward, stackLine, tempHome } from './support/steward-process.ts'

describe('steward migrate', () => {
  describe('on the embedded database', () => {
    let home: Awaited<ReturnType<typeof tempHome>>
    beforeEach(async () => {
      home = await tempHome()
    })
    afterEach(async () => {
      await home.dispose()
    })

    it('creates the tables, and running it again is fine', async () => {
      const first = await runSteward(['migrate'], { STEWARD_HOME: home.path })
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      expect(first.stdout).toContain('database: applied migration 0001_catalog_and_runtime')

      const second = await runSteward(['migrate'], { STEWARD_HOME: home.path })
      expect(second.stderr).toBe('')
      expect(second.code).toBe(0)
      expect(second.stdout).toContain('database: schema is up to date')

      // The CLI stopped its embedded server on exit, so this opens the folder itself.
      const opened = await createDb(undefined, { embeddedDataDir: join(home.path, 'db') })
      try {
        expect(opened.embedded).toBe(true)
        const tables = await opened.db
          .withTables<{ 'information_schema.tables': { table_name: string; table_schema: string } }>()
          .selectFrom('information_schema.tables')
          .select('table_name')
          .where('table_schema', '=', 'public')
          .execute()
        const names = tables.map((row) => row.table_name)
        expect(names).toEqual(expect.arrayContaining(['products', 'pipelines', 'kysely_migration']))
      } finally {
        await opened.close()
      }
    })
  })

  describe('on a PostgreSQL database newer than the code', () => {
    const postgres = testBackends.find((backend) => backend.name === 'postgres')
    let database: TestDatabase
    beforeEach(async () => {
      if (!postgres) throw new Error('no postgres test backend')
      database = await postgres.open()
      await migrateToLatest(database.db)
      await database.db
        .insertInto('products')
        .values({
          id: 'keep-me',
          name: 'Keep me',
          definition_hash: 'h1',
          owners: '[]',
          stakeholders: '[]',
          links: '[]',
        })
        .execute()
      await migrationTable(database)
        .insertInto('kysely_migration')
        .values({ name: '9999_from_the_future', timestamp: new Date().toISOString() })
        .execute()
    })
    afterEach(async () => {
      await database.dispose()
    })

    it('refuses in one line and changes nothing', async () => {
      const home = await tempHome()
      try {
        for (const args of [['migrate'], ['dev', '--no-web']]) {
          const result = await runSteward(args, { STEWARD_HOME: home.path, DATABASE_URL: database.url })
          expect(result.code).not.toBe(0)
          const errorLines = lines(result.stderr)
          expect(errorLines).toHaveLength(1)
          expect(errorLines[0]).toMatch(
            /^steward: the database has migrations this version of Steward does not know/,
          )
          expect(errorLines[0]).toContain('9999_from_the_future')
          expect(errorLines[0]).toContain('DATABASE_URL')
          expect(result.stderr).not.toMatch(stackLine)
        }
      } finally {
        await home.dispose()
      }
      const migrations = await migrationTable(database)
        .selectFrom('kysely_migration')
        .select('name')
        .orderBy('name')
        .execute()
      expect(migrations.map((row) => row.name)).toEqual([
        ...Object.keys(knownMigrations),
        '9999_from_the_future',
      ])
      const products = await database.db.selectFrom('products').select('id').execute()
      expect(products).toEqual([{ id: 'keep-me' }])
    })
  })
})

/** Kysely's own bookkeeping table, which the schema type does not list. */
const migrationTable = (database: TestDatabase) =>
  database.db.withTables<{ kysely_migration: { name: string; timestamp: string } }>()
