import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { createDb, type StewardDb } from '../create-db.ts'

/**
 * The backends every database test runs against, kysely-style: the same suite once per backend.
 * `postgres` is the machine's server (STEWARD_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test),
 * `pglite` the embedded default served through pglite-socket. Each `open()` gets a database of its
 * own (a fresh PostgreSQL database or a fresh PGlite folder) so test files can run in parallel.
 */
export interface TestBackend {
  name: 'postgres' | 'pglite'
  open(): Promise<TestDatabase>
}

export interface TestDatabase extends StewardDb {
  /** Drops the database (PostgreSQL) or deletes its folder (PGlite), after closing it. */
  dispose(): Promise<void>
}

export const testPostgresUrl = process.env.STEWARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

const allBackends: TestBackend[] = [
  { name: 'postgres', open: openTestPostgres },
  { name: 'pglite', open: openTestPglite },
]

/** `npm test` sets STEWARD_TEST_PG=off when the machine's PostgreSQL does not answer, and says so. */
export const testBackends: TestBackend[] =
  process.env.STEWARD_TEST_PG === 'off' ? allBackends.filter((b) => b.name !== 'postgres') : allBackends

async function openTestPostgres(): Promise<TestDatabase> {
  const name = `steward_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: testPostgresUrl })
  await admin.connect()
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(testPostgresUrl)
  url.pathname = `/${name}`
  const opened = await createDb(url.toString(), { embeddedDataDir: '' })
  return {
    ...opened,
    async dispose() {
      await opened.close()
      const cleanup = new pg.Client({ connectionString: testPostgresUrl })
      await cleanup.connect()
      try {
        await cleanup.query(`drop database if exists ${name} with (force)`)
      } finally {
        await cleanup.end()
      }
    },
  }
}

async function openTestPglite(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'steward-test-pglite-'))
  const opened = await createDb(undefined, { embeddedDataDir: dir })
  return {
    ...opened,
    async dispose() {
      await opened.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
