import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listDevLoopProblems } from './list-dev-loop-problems.ts'

describe.each(testBackends)('the dev loop banner data on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('lists only the loops whose last save failed, with where and since when', async () => {
    const lastGoodAt = new Date('2026-12-07T10:00:00Z')
    await t.db
      .insertInto('dev_loops')
      .values([
        { project_root: '/fine', last_good_at: lastGoodAt },
        {
          project_root: '/broken',
          last_good_at: lastGoodAt,
          problem: 'lib/a.ts:4: failed to import: <script>',
          problem_file: 'lib/a.ts',
          problem_line: 4,
          problem_count: 2,
        },
      ])
      .execute()
    expect(await listDevLoopProblems(t.db)).toEqual([
      {
        projectRoot: '/broken',
        problem: 'lib/a.ts:4: failed to import: <script>',
        file: 'lib/a.ts',
        line: 4,
        count: 2,
        lastGoodAt,
      },
    ])
  })
})
