import type { Duration } from '@steward/kernel'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { definitionMeta } from './brand.ts'
import { defineConfig } from './config.ts'
import { definePipeline, isPipeline, type PipelineOptions } from './pipeline.ts'
import { defineProduct } from './product.ts'
import { isStep, step } from './step.ts'
import { afterSuccessOf, manual, onEvent } from './triggers.ts'

const product = defineProduct({ id: 'funnel', name: 'Funnel', owners: [{ slack: '#data' }] })

// For options TypeScript would reject: JavaScript users and casts still get their problems reported.
type LooseOptions = PipelineOptions<undefined, Record<string, unknown>>
const issuesOf = (options: unknown) => definitionMeta(definePipeline(options as LooseOptions))?.issues

describe('definePipeline', () => {
  it('builds steps in declaration order, with defaults filled in and nothing run', () => {
    let ran = false
    const upstream = definePipeline({
      id: 'upstream',
      product: 'funnel',
      steps: (s) => s.step('a', { run: () => 1 }),
    })
    const pipeline = definePipeline({
      id: 'signup-funnel.build',
      product,
      schedule: { cron: '0 6 * * 1', timezone: 'Asia/Seoul' },
      triggers: [afterSuccessOf(upstream), onEvent({ name: 'landed' }), manual()],
      params: z.object({ week: z.string().optional() }),
      steps: (s) =>
        s
          .step('extract', {
            retries: 3,
            timeout: '10m',
            run: async () => {
              ran = true
              return { path: 'x' }
            },
          })
          .step('funnel', { needs: ['extract'], run: async (_ctx, { extract }) => extract.path }),
    })
    expect(isPipeline(pipeline)).toBe(true)
    expect(ran).toBe(false)
    expect(pipeline).toMatchObject({
      id: 'signup-funnel.build',
      name: 'signup-funnel.build',
      description: '',
      productId: 'funnel',
      triggers: [
        { kind: 'upstream', pipeline: upstream },
        { kind: 'event', name: 'landed' },
        { kind: 'manual' },
      ],
      alerts: [],
    })
    expect(Object.keys(pipeline.steps)).toEqual(['extract', 'funnel'])
    expect(pipeline.steps.extract).toMatchObject({ needs: [], retries: 3, timeout: '10m' })
    expect(pipeline.steps.funnel.needs).toEqual(['extract'])
    expect(isStep(pipeline.steps.funnel)).toBe(true)
    expect(definitionMeta(pipeline)?.issues).toEqual([])
  })

  it('keeps step ids that are also Object.prototype names', () => {
    const pipeline = definePipeline({
      id: 'odd-names',
      product: 'funnel',
      steps: (s) =>
        s.step('constructor', { run: () => 1 }).step('toString', { needs: ['constructor'], run: () => 2 }),
    })
    expect(Object.keys(pipeline.steps)).toEqual(['constructor', 'toString'])
    expect(definitionMeta(pipeline)?.issues).toEqual([])
  })

  it('takes the object form of steps too', () => {
    const pipeline = definePipeline({
      id: 'object-form',
      product: 'funnel',
      steps: { a: step({ run: () => 1 }), b: step({ needs: ['a'], run: () => 2 }) },
    })
    expect(Object.keys(pipeline.steps)).toEqual(['a', 'b'])
    expect(definitionMeta(pipeline)?.issues).toEqual([])
  })

  it('records problems in its options and in its steps, each with its field', () => {
    expect(
      issuesOf({
        id: 'Bad Id',
        product: 42,
        maxConcurrentRuns: 0,
        triggers: [{ kind: 'cron' }],
        schedule: { cron: '0 6 * * 1' },
        steps: {
          extract: step({
            retries: -1,
            timeout: '0s',
            backoff: { type: 'linear' as 'fixed', delay: '1s' },
            run: () => 1,
          }),
          load: { run: () => 2 },
        },
      }),
    ).toEqual([
      { field: 'id', message: expect.stringContaining('"Bad Id" is not a valid id') },
      { field: 'product', message: 'must be a product (the value defineProduct returned) or its id' },
      { field: 'schedule.timezone', message: 'is required' },
      {
        field: 'triggers[0].kind',
        message: 'must be afterSuccessOf(pipeline), onEvent(), onFile() or manual()',
      },
      { field: 'maxConcurrentRuns', message: 'must be a whole number above 0' },
      { field: 'steps.load', message: 'must be a step: step({ needs?, run })' },
      { field: 'steps.extract.retries', message: 'must be a whole number from 0 to 100' },
      { field: 'steps.extract.backoff.type', message: 'must be "fixed" or "exponential"' },
      { field: 'steps.extract.timeout', message: 'must be longer than 0' },
    ])
  })

  it('records a step without run, a repeated step id and a callback that does not return the chain', () => {
    expect(
      issuesOf({
        id: 'x',
        product: 'funnel',
        steps: (s: { step(id: string, options: unknown): unknown }) => {
          const chain = s.step('a', { run: () => 1 }) as typeof s
          return (chain.step('a', { run: () => 2 }) as typeof s).step('b', { needs: ['a'] })
        },
      }),
    ).toEqual([
      { field: 'steps.a', message: 'step "a" is declared twice' },
      { field: 'steps.b.run', message: 'must be a function: run: async (ctx, upstream) => output' },
    ])
    expect(issuesOf({ id: 'x', product: 'funnel', steps: () => [] })).toEqual([
      { field: 'steps', message: expect.stringContaining('must return the chain it was given') },
    ])
    expect(issuesOf({ id: 'x', product: 'funnel' })).toEqual([
      { field: 'steps', message: expect.stringContaining('is required') },
    ])
    expect(issuesOf({ id: 'x', product: 'funnel', steps: { 'a:b': step({ run: () => 1 }) } })).toEqual([
      { field: 'steps.a:b', message: expect.stringContaining('"a:b" is not a valid step id') },
    ])
    expect(issuesOf({ id: 'x', product: 'funnel', steps: {} })).toEqual([
      { field: 'steps', message: 'a pipeline needs at least one step' },
    ])
  })
})

describe('defineConfig', () => {
  it('records problems in the config with their fields', () => {
    const config = defineConfig({
      definitions: [],
      defaults: { retries: 1.5, timeout: 'soon' as Duration, metricLabelSets: 0 },
      costs: { workerHourUsd: { default: -1 } },
      usage: { timezone: 'UTC', weekStartsOn: 'tuesday' as 'monday' },
    })
    expect(definitionMeta(config)?.issues.map((issue) => issue.field)).toEqual([
      'definitions',
      'defaults.retries',
      'defaults.timeout',
      'defaults.metricLabelSets',
      'costs.workerHourUsd.default',
      'usage.weekStartsOn',
    ])
  })
})
