import { isStewardError } from '@steward/kernel'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineConfig } from '../definitions/config.ts'
import { dailyPartitions } from '../definitions/partitions.ts'
import { definePipeline } from '../definitions/pipeline.ts'
import { step } from '../definitions/step.ts'
import type { WarehouseSql } from '../definitions/warehouse.ts'
import { runPipeline, runStep } from './index.ts'

const signups = definePipeline({
  id: 'signups.daily',
  product: 'signups',
  params: z.object({ source: z.enum(['eu', 'us']).default('eu'), limit: z.number().int().optional() }),
  partitions: dailyPartitions({ start: '2026-01-01', timezone: 'UTC' }),
  steps: (s) =>
    s
      .step('extract', {
        run: async (ctx) => {
          ctx.log.info('extracting', { source: ctx.params.source })
          ctx.metric('rows', 3, { source: ctx.params.source })
          ctx.cost({ item: 'warehouse scan', quantity: 1_000, unit: 'warehouse-mb' })
          return { day: ctx.partition.key, users: ['a', 'b', 'c'].slice(0, ctx.params.limit ?? 3) }
        },
      })
      .step('count', {
        needs: ['extract'],
        run: async (ctx, { extract }) => {
          ctx.metric('signups', extract.users.length)
          return { day: extract.day, signups: extract.users.length }
        },
      }),
})

const config = defineConfig({
  definitions: ['pipelines/*.ts'],
  costs: { workerHourUsd: { default: 0.05 }, units: { 'warehouse-mb': 0.001 } },
})

/** The StewardError a promise rejects with, for its code and message. */
async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isStewardError(error)) throw new Error(`expected a StewardError, got ${String(error)}`)
  return { code: error.code, message: error.message }
}

describe('runStep', () => {
  it('runs one step with params, partition and config, returning its output and what it reported', async () => {
    const result = await runStep(signups, 'extract', {
      params: { source: 'us' },
      partition: '2026-11-02',
      config,
    })
    expect(result.output).toEqual({ day: '2026-11-02', users: ['a', 'b', 'c'] })
    expect(result.logs).toEqual([
      expect.objectContaining({ level: 'info', message: 'extracting', fields: { source: 'us' } }),
    ])
    expect(result.metrics).toEqual([
      expect.objectContaining({ name: 'rows', value: 3, labels: { source: 'us' } }),
    ])
    expect(result.costs).toEqual([
      {
        kind: 'reported',
        item: 'warehouse scan',
        usd: expect.closeTo(1, 10),
        quantity: 1_000,
        unit: 'warehouse-mb',
      },
    ])
  })

  it('hands the given upstream outputs to a step that needs them', async () => {
    const result = await runStep(signups, 'count', {
      partition: '2026-11-02',
      upstream: { extract: { day: '2026-11-02', users: ['x'] } },
    })
    expect(result.output).toEqual({ day: '2026-11-02', signups: 1 })
    expect(result.metrics.map((m) => [m.name, m.value])).toEqual([['signups', 1]])
  })

  it('without unit rates, a cost by quantity is not recorded but logged as a warning', async () => {
    const result = await runStep(signups, 'extract', { partition: '2026-11-02' })
    expect(result.costs).toEqual([])
    expect(result.logs.map((line) => line.message)).toContain(
      'ctx.cost ignored: no usd, and no rate for unit "warehouse-mb" (add it to costs.units in steward.config.ts)',
    )
  })

  it('refuses params the schema refuses, naming pipeline and field', async () => {
    expect(
      await rejection(runStep(signups, 'extract', { params: { source: 'mars' }, partition: '2026-11-02' })),
    ).toEqual({
      code: 'PARAMS_INVALID',
      message: expect.stringMatching(/^params of pipeline signups\.daily are invalid: params\.source: /),
    })
  })

  it('names a missing step, a missing upstream output and a partition outside the scheme', async () => {
    expect(await rejection(runStep(signups, 'load' as 'count', { partition: '2026-11-02' }))).toEqual({
      code: 'STEP_NOT_FOUND',
      message: 'pipeline signups.daily has no step "load" (its steps: extract, count)',
    })
    expect(await rejection(runStep(signups, 'count', { partition: '2026-11-02' }))).toEqual({
      code: 'UPSTREAM_MISSING',
      message:
        'step count of pipeline signups.daily needs the output of extract: pass upstream: { extract: … }',
    })
    expect((await rejection(runStep(signups, 'extract', { partition: '2025-12-31' }))).code).toBe(
      'PARTITION_INVALID',
    )
  })

  it('a step that throws rejects with its own error', async () => {
    const failing = definePipeline({
      id: 'failing',
      product: 'p',
      steps: {
        boom: step({
          run: () => {
            throw new TypeError('no such table')
          },
        }),
      },
    })
    await expect(runStep(failing, 'boom')).rejects.toThrow(TypeError)
  })
})

describe('runPipeline', () => {
  it('runs every step in dependency order, each given the outputs it needs', async () => {
    const run = await runPipeline(signups, { params: { limit: 2 }, partition: '2026-11-02', config })
    expect(run.outputs).toEqual({
      extract: { day: '2026-11-02', users: ['a', 'b'] },
      count: { day: '2026-11-02', signups: 2 },
    })
    expect(run.steps.count.metrics.map((m) => m.value)).toEqual([2])
    expect(run.metrics.map((m) => [m.step, m.name])).toEqual([
      ['extract', 'rows'],
      ['count', 'signups'],
    ])
    expect(run.costs.map((c) => c.step)).toEqual(['extract'])
  })

  it('orders steps by needs whatever order the object form declares them in', async () => {
    const order: string[] = []
    const backwards = definePipeline({
      id: 'backwards',
      product: 'p',
      steps: {
        load: step({ needs: ['transform'], run: (_ctx, up) => order.push(`load:${String(up.transform)}`) }),
        transform: step({ needs: ['extract'], run: (_ctx, up) => `t(${String(up.extract)})` }),
        extract: step({ run: () => 'e' }),
      },
    })
    const run = await runPipeline(backwards)
    expect(Object.keys(run.steps)).toEqual(['extract', 'transform', 'load'])
    expect(order).toEqual(['load:t(e)'])
  })

  it('checks params before any step runs, and refuses an invalid pipeline with its problems', async () => {
    let ran = false
    const strict = definePipeline({
      id: 'strict',
      product: 'p',
      params: z.object({ week: z.string() }),
      steps: { only: step({ run: () => (ran = true) }) },
    })
    expect((await rejection(runPipeline(strict, { params: {} }))).message).toMatch(/params\.week: /)
    expect(ran).toBe(false)
    const broken = definePipeline({ id: 'Broken Id', product: 'p', steps: { a: step({ run: () => 1 }) } })
    expect(await rejection(runPipeline(broken))).toEqual({
      code: 'PIPELINE_INVALID',
      message: expect.stringMatching(/^pipeline Broken Id is invalid: id: /),
    })
  })
})

describe('ctx.sql in step tests', () => {
  const load = definePipeline({
    id: 'sql.load',
    product: 'p',
    steps: (s) =>
      s.step('load', {
        run: async (ctx) => {
          const { rowCount } = await ctx
            .sql()
            .query('insert into t select * from s where day = $1', ['2026-12-01'])
          return { rowCount }
        },
      }),
  })

  it('answers with the connections the test gives, and names a missing one', async () => {
    const seen: unknown[] = []
    const warehouse: WarehouseSql = {
      connection: 'warehouse',
      kind: 'duckdb',
      query: async (text, params) => {
        seen.push([text, params])
        return { rows: [], rowCount: 7 }
      },
    }
    const result = await runStep(load, 'load', { sql: { warehouse } })
    expect(result.output).toEqual({ rowCount: 7 })
    expect(seen).toEqual([['insert into t select * from s where day = $1', ['2026-12-01']]])
    await expect(runStep(load, 'load', { sql: { pg: warehouse } })).rejects.toThrow(
      'ctx.sql("warehouse") in step load of pipeline sql.load: the test gave no such connection (given: pg); pass sql: { warehouse: … }',
    )
  })
})
