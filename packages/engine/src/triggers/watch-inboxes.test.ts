import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { definePipeline, onFile } from '@steward/pipelines'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { waitForRun } from '../runs/follow-run.ts'
import {
  RuntimeHarness,
  runtimeTestBackends,
  testProduct,
  testQueueBackend,
} from '../testing/runtime-harness.ts'
import { watchInboxes } from './watch-inboxes.ts'

const scored: string[] = []
const scoreExport = definePipeline({
  id: 'inbox.score',
  product: testProduct,
  triggers: [onFile({ inbox: 'exports', param: 'file' })],
  params: z.object({ file: z.string() }),
  steps: (s) => s.step('score', { run: async (ctx) => scored.push(ctx.params.file) }),
})

describe.each(runtimeTestBackends)('file triggers on $name', ({ db: backend, queue }) => {
  let t: TestDatabase
  let harness: RuntimeHarness
  let root: string
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    harness = await new RuntimeHarness(t.db, testQueueBackend(queue, t)).deploy([scoreExport])
    await harness.startWorker()
    root = await mkdtemp(join(tmpdir(), 'steward-inbox-'))
  })
  afterAll(async () => {
    await harness?.dispose()
    await t?.dispose()
    await rm(root, { recursive: true, force: true })
  })

  const land = async (name: string, text: string, ageMs = 5000) => {
    const file = join(root, 'exports', name)
    await writeFile(file, text)
    const when = new Date(Date.now() - ageMs)
    await utimes(file, when, when)
  }

  it('starts one run per landed file, once, even across watchers', async () => {
    const first = watchInboxes(t.db, harness.queue, { root, everyMs: 60_000 })
    expect(await first.scanNow()).toBe(0) // creates the folder; nothing there yet
    await land('a.csv', 'id\n1\n')
    await land('.partial', 'hidden files are ignored')
    await land('b.csv', 'still being copied', 0)
    expect(await first.scanNow()).toBe(1)
    expect(await first.scanNow()).toBe(0)

    // A second watcher (another worker, or a restart) finds the same file and starts nothing.
    const second = watchInboxes(t.db, harness.queue, { root, everyMs: 60_000 })
    expect(await second.scanNow()).toBe(0)

    const runs = await t.db
      .selectFrom('runs')
      .select(['id', 'params', 'trigger'])
      .where('pipeline_id', '=', 'inbox.score')
      .execute()
    expect(runs.map((r) => r.params)).toEqual([{ file: 'a.csv' }])
    expect(runs[0]?.trigger).toBe('event')
    expect((await waitForRun(t.db, runs[0]?.id ?? '', { timeoutMs: 20_000 })).run.status).toBe('succeeded')
    expect(scored).toContain('a.csv')

    // The same name with new content is a new file.
    await land('a.csv', 'id\n1\n2\n')
    expect(await second.scanNow()).toBe(1)
    await first.close()
    await second.close()
  })
})
