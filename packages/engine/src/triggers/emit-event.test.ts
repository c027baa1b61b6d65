import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { definePipeline, manual, onEvent } from '@steward/pipelines'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { waitForRun } from '../runs/follow-run.ts'
import {
  RuntimeHarness,
  runtimeTestBackends,
  testProduct,
  testQueueBackend,
} from '../testing/runtime-harness.ts'
import { emitEvent } from './emit-event.ts'

const landed: string[] = []
const scoreFile = definePipeline({
  id: 'events.score-file',
  product: testProduct,
  triggers: [onEvent({ name: 'file-landed' }), manual()],
  params: z.object({ file: z.string().min(1) }),
  steps: (s) => s.step('score', { run: async (ctx) => landed.push(ctx.params.file) }),
})
const auditFile = definePipeline({
  id: 'events.audit-file',
  product: testProduct,
  triggers: [onEvent({ name: 'file-landed' })],
  steps: (s) => s.step('audit', { run: async () => 'ok' }),
})
const byId = definePipeline({
  id: 'events.by-id',
  product: testProduct,
  triggers: [onEvent()],
  steps: (s) => s.step('only', { run: async () => 'ok' }),
})

describe.each(runtimeTestBackends)('events on $name', ({ db: backend, queue }) => {
  let t: TestDatabase
  let harness: RuntimeHarness
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    harness = await new RuntimeHarness(t.db, testQueueBackend(queue, t)).deploy([scoreFile, auditFile, byId])
    await harness.startWorker()
  })
  afterAll(async () => {
    await harness?.dispose()
    await t?.dispose()
  })

  it('starts one run of every listening pipeline, with the event params', async () => {
    const { runs } = await emitEvent(t.db, harness.queue, {
      name: 'file-landed',
      params: { file: 'export-1.csv' },
      eventId: 'export-1.csv',
    })
    expect(runs.map((r) => r.pipelineId)).toEqual(['events.audit-file', 'events.score-file'])
    for (const run of runs)
      expect((await waitForRun(t.db, run.runId, { timeoutMs: 20_000 })).run.status).toBe('succeeded')
    expect(landed).toContain('export-1.csv')
    const stored = await t.db
      .selectFrom('runs')
      .select(['trigger', 'params'])
      .where('id', '=', runs[1]?.runId ?? '')
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ trigger: 'event', params: { file: 'export-1.csv' } })
  })

  it('starts nothing twice for a redelivered event', async () => {
    const again = await emitEvent(t.db, harness.queue, {
      name: 'file-landed',
      params: { file: 'export-1.csv' },
      eventId: 'export-1.csv',
    })
    expect(again.runs.every((r) => !r.created)).toBe(true)
  })

  it('refuses the whole event when a param is wrong for one listener, and names it', async () => {
    const before = await t.db.selectFrom('runs').select('id').execute()
    await expect(
      emitEvent(t.db, harness.queue, { name: 'file-landed', params: { file: '' } }),
    ).rejects.toThrow(/file/)
    expect(await t.db.selectFrom('runs').select('id').execute()).toHaveLength(before.length)
  })

  it('routes an unnamed onEvent() by pipeline id, and answers no runs for an event nobody hears', async () => {
    const byIdRuns = await emitEvent(t.db, harness.queue, { name: 'events.by-id' })
    expect(byIdRuns.runs.map((r) => r.pipelineId)).toEqual(['events.by-id'])
    expect((await emitEvent(t.db, harness.queue, { name: 'nobody-listens' })).runs).toEqual([])
  })
})
