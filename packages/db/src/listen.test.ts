import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listen } from './listen.ts'
import { migrateToLatest } from './migrate.ts'
import { type TestDatabase, testBackends } from './testing/test-databases.ts'

const waitFor = async (what: string, check: () => boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A listener is a wake-up: it survives a lost connection, and says so once it is back. */
describe.each(testBackends.filter((b) => b.name === 'postgres'))('listen on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('hears a NOTIFY, connects again after its connection is killed, calls once for what it may have missed, and hears on', async () => {
    let told = 0
    const errors: unknown[] = []
    const listener = listen(t.url, 'steward_test_wake', () => told++, {
      retryMs: 50,
      onError: (error) => errors.push(error),
    })
    try {
      await listener.ready
      await sql`select pg_notify('steward_test_wake', '')`.execute(t.db)
      await waitFor('the first notification', () => told === 1)
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and query = 'LISTEN steward_test_wake'`.execute(t.db)
      // Back: one call for the time it was away.
      await waitFor('the call after reconnecting', () => told === 2)
      expect(errors.length).toBeGreaterThan(0)
      await sql`select pg_notify('steward_test_wake', '')`.execute(t.db)
      await waitFor('a notification after reconnecting', () => told === 3)
    } finally {
      await listener.close()
    }
    await sql`select pg_notify('steward_test_wake', '')`.execute(t.db)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(told).toBe(3)
  }, 60_000)

  it('refuses a channel that is not a plain identifier', () => {
    expect(() => listen(t.url, 'x; drop table runs', () => {})).toThrow(/not a plain identifier/)
  })
})
