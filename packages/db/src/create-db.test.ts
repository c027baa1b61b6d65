import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isStewardError } from '@steward/kernel'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { createDb } from './create-db.ts'
import { findRunningServer } from './embedded/embedded-postgres.ts'

describe('createDb', () => {
  const dirs: string[] = []
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'steward-createdb-'))
    dirs.push(dir)
    return dir
  }
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
  })

  it('serves the embedded database to a second client through the server it started', async () => {
    const dir = await tempDir()
    const owner = await createDb(undefined, { embeddedDataDir: dir })
    expect(owner.embedded).toBe(true)
    expect(owner.url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres/)
    const info = await findRunningServer(dir)
    expect(info?.pid).toBe(process.pid)

    // A second process (here: a second createDb) finds the running server instead of opening the files.
    const guest = await createDb(undefined, { embeddedDataDir: dir })
    expect(guest.embedded).toBe(false)
    expect(guest.url).toBe(owner.url)
    await sql`create table shared (n int)`.execute(owner.db)
    await sql`insert into shared values (42)`.execute(guest.db)
    const rows = await sql<{ n: number }>`select n from shared`.execute(owner.db)
    expect(rows.rows).toEqual([{ n: 42 }])

    await guest.close()
    await owner.close()
    expect(await findRunningServer(dir)).toBeUndefined()

    // Reopened, the data is still there.
    const again = await createDb(undefined, { embeddedDataDir: dir })
    const kept = await sql<{ n: number }>`select n from shared`.execute(again.db)
    expect(kept.rows).toEqual([{ n: 42 }])
    await again.close()
  })

  it('recovers the embedded database after its server process died without cleaning up', async () => {
    const dir = await tempDir()
    // What a kill -9 leaves behind: a server.json naming a process that no longer exists.
    await writeFile(
      join(dir, 'server.json'),
      JSON.stringify({ pid: 2 ** 22 + 7, port: 1, url: 'postgres://x', startedAt: '' }),
    )
    const db = await createDb(undefined, { embeddedDataDir: dir })
    expect(db.embedded).toBe(true)
    const info = JSON.parse(await readFile(join(dir, 'server.json'), 'utf8')) as { pid: number }
    expect(info.pid).toBe(process.pid)
    await db.close()
  })

  it('says which setting is wrong when nothing answers', async () => {
    const error = await createDb('postgres://steward:secret@127.0.0.1:1/steward', {
      embeddedDataDir: '',
    }).then(
      () => new Error('expected createDb to fail'),
      (e: unknown) => e as Error,
    )
    expect(isStewardError(error) && error.code).toBe('DATABASE_UNREACHABLE')
    expect(error.message).toMatch(/DATABASE_URL/)
    expect(error.message).toMatch(/connection refused/)
    expect(error.message).not.toContain('secret')
  })
})
