import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import type { StaticPartition, TimePartition } from '../partitions/partition-scheme.ts'
import { dailyPartitions, staticPartitions } from './partitions.ts'
import { definePipeline, type Pipeline } from './pipeline.ts'
import { defineProduct } from './product.ts'
import { step } from './step.ts'
import type { StepContext } from './step-context.ts'

// Type-level tests: `tsc -p packages/pipelines` checks them (including every @ts-expect-error);
// vitest runs the bodies, which only build definitions.

const product = defineProduct({ id: 'typing', name: 'Typing', owners: [{ slack: '#data' }] })

describe('typed upstream (builder form)', () => {
  it('types each upstream output from the steps in needs, and ctx.params from the params schema', () => {
    const pipeline = definePipeline({
      id: 'typing.builder',
      product,
      params: z.object({ week: z.string().optional(), limit: z.number().default(10) }),
      steps: (s) =>
        s
          .step('extract', {
            run: async (ctx) => {
              expectTypeOf(ctx.params).toEqualTypeOf<{ week?: string | undefined; limit: number }>()
              expectTypeOf(ctx).toExtend<StepContext<{ week?: string | undefined; limit: number }>>()
              return { path: 'x', rows: 3 }
            },
          })
          .step('count', { run: () => 42 })
          .step('funnel', {
            needs: ['extract', 'count'],
            run: async (_ctx, upstream) => {
              expectTypeOf(upstream).toEqualTypeOf<{
                readonly extract: { path: string; rows: number }
                readonly count: number
              }>()
              const { extract } = upstream
              expectTypeOf(extract.path).toEqualTypeOf<string>()
              return { table: 'funnel', from: extract.path }
            },
          })
          .step('report', {
            needs: ['funnel'],
            run: async (_ctx, { funnel }) => {
              expectTypeOf(funnel).toEqualTypeOf<{ table: string; from: string }>()
              return null
            },
          }),
    })
    expectTypeOf(pipeline.steps.funnel).toExtend<{ needs: readonly string[] }>()
    // A typed pipeline is still a Pipeline, so lists of pipelines need no casts.
    expectTypeOf(pipeline).toExtend<Pipeline>()
  })

  it('rejects an upstream the step does not need, an unknown need and a duplicate id', () => {
    definePipeline({
      id: 'typing.errors',
      product,
      steps: (s) =>
        s
          .step('extract', { run: async () => ({ path: 'x' }) })
          .step('other', { run: async () => 1 })
          .step('funnel', {
            needs: ['extract'],
            // @ts-expect-error `other` is not in needs, so upstream has no `other`
            run: async (_ctx, { other }) => other,
          })
          // @ts-expect-error `nope` is not a step declared before this one
          .step('late', { needs: ['nope'], run: async () => 1 })
          // @ts-expect-error a step id can be declared once
          .step('extract', { run: async () => 2 }),
    })
  })

  it('gives ctx.params no keys when the pipeline has no params', () => {
    definePipeline({
      id: 'typing.no-params',
      product,
      steps: (s) =>
        s.step('only', {
          run: (ctx) => {
            expectTypeOf(ctx.params).toEqualTypeOf<Record<string, never>>()
            return ctx.runId
          },
        }),
    })
  })
})

describe('typed upstream (object form)', () => {
  it('gives upstream exactly the keys in needs, typed unknown', () => {
    const pipeline = definePipeline({
      id: 'typing.record',
      product,
      steps: {
        extract: step({ run: async () => ({ path: 'x' }) }),
        funnel: step({
          needs: ['extract'],
          run: async (_ctx, upstream) => {
            expectTypeOf(upstream).toEqualTypeOf<{ readonly extract: unknown }>()
            // @ts-expect-error `funnel` does not need `other`
            return upstream.other
          },
        }),
      },
    })
    expectTypeOf(pipeline.steps.extract.run).returns.toEqualTypeOf<
      { path: string } | Promise<{ path: string }>
    >()
  })
})

describe('ctx.partition', () => {
  it('is a time window for time partitions, a key for static ones, and undefined without', () => {
    definePipeline({
      id: 'typing.daily',
      product,
      partitions: dailyPartitions({ start: '2026-01-01', timezone: 'UTC' }),
      steps: (s) =>
        s.step('load', {
          run: (ctx) => {
            expectTypeOf(ctx.partition).toEqualTypeOf<TimePartition>()
            expectTypeOf(ctx.partition.start).toEqualTypeOf<Date>()
          },
        }),
    })
    definePipeline({
      id: 'typing.regions',
      product,
      partitions: staticPartitions(['eu', 'us']),
      steps: (s) =>
        s.step('load', { run: (ctx) => expectTypeOf(ctx.partition).toEqualTypeOf<StaticPartition>() }),
    })
    definePipeline({
      id: 'typing.plain',
      product,
      steps: (s) => s.step('load', { run: (ctx) => expectTypeOf(ctx.partition).toEqualTypeOf<undefined>() }),
    })
  })
})
