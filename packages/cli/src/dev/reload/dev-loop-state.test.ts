import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forgetReloads, recordReload } from './dev-loop-state.ts'

describe.each(testBackends)('the dev loop state on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterAll(async () => {
    await t?.dispose()
  })

  const row = () =>
    t.db.selectFrom('dev_loops').selectAll().where('project_root', '=', '/p').executeTakeFirst()

  it('keeps the last good time through a failed save, bounds the problem, and clears it on a good one', async () => {
    await recordReload(t.db, '/p', { ok: true })
    const good = await row()
    expect(good).toMatchObject({ problem: null, problem_count: 0, last_good_at: expect.any(Date) })

    const hostile = `defs.ts:3: failed to import: \u0000${'x'.repeat(5000)}`
    await recordReload(t.db, '/p', {
      ok: false,
      problem: { message: hostile, file: 'defs.ts', line: 3, count: 2 },
    })
    const failed = await row()
    expect(failed).toMatchObject({ problem_file: 'defs.ts', problem_line: 3, problem_count: 2 })
    expect(failed?.last_good_at).toEqual(good?.last_good_at)
    expect(failed?.problem).toHaveLength(2000)
    expect(failed?.problem).toMatch(/^defs\.ts:3: failed to import: \uFFFDx+…$/)

    await recordReload(t.db, '/p', { ok: true })
    expect(await row()).toMatchObject({
      problem: null,
      problem_file: null,
      problem_line: null,
      problem_count: 0,
    })

    await forgetReloads(t.db, '/p')
    expect(await row()).toBeUndefined()
  })
})
