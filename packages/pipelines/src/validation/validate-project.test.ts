import { isStewardError } from '@steward/kernel'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineConfig } from '../definitions/config.ts'
import { dailyPartitions, staticPartitions, weeklyPartitions } from '../definitions/partitions.ts'
import {
  definePipeline,
  type ParamsSchema,
  type Pipeline,
  type PipelineOptions,
} from '../definitions/pipeline.ts'
import { defineProduct, type Product } from '../definitions/product.ts'
import { step } from '../definitions/step.ts'
import { afterSuccessOf } from '../definitions/triggers.ts'
import type { PartitionScheme } from '../partitions/partition-scheme.ts'
import { DefinitionError } from './definition-error.ts'
import { formatProblem } from './definition-problem.ts'
import { assertValidProject, type ProjectDefinitions, validateProject } from './validate-project.ts'

const funnel = defineProduct({
  id: 'weekly-signup-funnel',
  name: 'Weekly signup funnel',
  owners: [{ team: 'growth-data', slack: '#growth-data' }],
})

const pipeline = (
  options: Partial<
    PipelineOptions<ParamsSchema | undefined, Record<string, unknown>, PartitionScheme | undefined>
  > & { id: string },
) =>
  definePipeline({
    product: funnel,
    steps: (s) => s.step('extract', { run: async () => ({ path: 'x' }) }),
    ...options,
  } as PipelineOptions<
    ParamsSchema | undefined,
    Record<string, unknown>,
    PartitionScheme | undefined
  >) as Pipeline

const project = (
  pipelines: readonly Pipeline[],
  products: readonly Product[] = [funnel],
  extra: Partial<ProjectDefinitions> = {},
): ProjectDefinitions => ({
  products: products.map((definition) => ({ definition, file: 'products.ts' })),
  pipelines: pipelines.map((definition) => ({ definition, file: 'pipelines/funnel.ts' })),
  ...extra,
})

describe('validateProject', () => {
  it('finds nothing wrong with a valid project', () => {
    const counts = pipeline({ id: 'app-activity.counts', schedule: { cron: '15 2 * * *', timezone: 'UTC' } })
    const build = pipeline({
      id: 'signup-funnel.build',
      schedule: { cron: '0 6 * * 1', timezone: 'Asia/Seoul' },
      triggers: [afterSuccessOf(counts)],
      params: z.object({ week: z.string().optional() }),
    })
    expect(validateProject(project([counts, build]))).toEqual([])
  })

  it('rejects duplicate product ids, naming both files', () => {
    const again = defineProduct({ id: 'weekly-signup-funnel', name: 'Again', owners: [{ slack: '#x' }] })
    const problems = validateProject({
      products: [
        { definition: funnel, file: 'products.ts' },
        { definition: again, file: 'more/products.ts' },
      ],
      pipelines: [],
    })
    expect(problems).toEqual([
      {
        file: 'more/products.ts',
        definition: 'product weekly-signup-funnel',
        field: 'id',
        message: 'another product has the id "weekly-signup-funnel" (in products.ts)',
      },
    ])
  })

  it('rejects duplicate pipeline ids', () => {
    const problems = validateProject({
      products: [{ definition: funnel, file: 'products.ts' }],
      pipelines: [
        { definition: pipeline({ id: 'signup-funnel.build' }), file: 'a.ts' },
        { definition: pipeline({ id: 'signup-funnel.build' }), file: 'b.ts' },
      ],
    })
    expect(problems).toEqual([
      {
        file: 'b.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'id',
        message: 'another pipeline has the id "signup-funnel.build" (in a.ts)',
      },
    ])
  })

  it('rejects needs that name no step of the pipeline, suggesting the near one', () => {
    const build = pipeline({
      id: 'signup-funnel.build',
      steps: {
        extract: step({ run: () => 1 }),
        funnel: step({ needs: ['extrct', 'funnel'], run: () => 2 }),
      },
    })
    expect(validateProject(project([build]))).toEqual([
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'steps.funnel.needs[0]',
        message:
          '"extrct" is not a step of this pipeline (did you mean "extract"?); its steps are extract, funnel',
      },
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'steps.funnel.needs[1]',
        message: 'step "funnel" cannot need itself',
      },
    ])
  })

  it('rejects cycles and prints each one in the direction data flows', () => {
    const build = pipeline({
      id: 'signup-funnel.build',
      steps: {
        extract: step({ needs: ['funnel'], run: () => 1 }),
        funnel: step({ needs: ['extract'], run: () => 2 }),
        a: step({ needs: ['c'], run: () => 3 }),
        b: step({ needs: ['a'], run: () => 4 }),
        c: step({ needs: ['b'], run: () => 5 }),
        ok: step({ needs: ['a'], run: () => 6 }),
      },
    })
    expect(validateProject(project([build]))).toEqual([
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'steps',
        message: 'the steps form a cycle: extract → funnel → extract',
      },
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'steps',
        message: 'the steps form a cycle: a → b → c → a',
      },
    ])
  })

  it.each([
    ['61 * * * *', 'Constraint error, got value 61 expected range 0-59'],
    ['0 6 * *', 'it has 4 fields'],
    ['every monday', 'it has 2 fields'],
    ['0 0 31 2 *', 'Invalid explicit day of month definition'],
    ['* * * * * * *', 'it has 7 fields'],
  ])('rejects the cron expression %j', (cron, reason) => {
    const build = pipeline({ id: 'signup-funnel.build', schedule: { cron, timezone: 'UTC' } })
    expect(validateProject(project([build]))).toEqual([
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'schedule.cron',
        message: expect.stringMatching(
          new RegExp(`^"${cron.replace(/\*/g, '\\*')}" is not a cron expression.*${reason}`),
        ),
      },
    ])
  })

  it('accepts six-field crons and aliases', () => {
    for (const cron of ['*/30 * * * * *', '@daily', '@weekly']) {
      const build = pipeline({ id: 'signup-funnel.build', schedule: { cron, timezone: 'Europe/Berlin' } })
      expect(validateProject(project([build]))).toEqual([])
    }
  })

  it('rejects a time zone that is not IANA, with the example line', () => {
    const build = pipeline({
      id: 'signup-funnel.build',
      schedule: { cron: '0 6 * * 1', timezone: 'Asia/Seol' },
    })
    const problems = validateProject({
      products: [{ definition: funnel, file: 'steward.config.ts' }],
      pipelines: [{ definition: build, file: 'steward.config.ts' }],
    })
    expect(problems.map(formatProblem)).toEqual([
      'steward.config.ts › pipeline signup-funnel.build › schedule.timezone: "Asia/Seol" is not an IANA time zone ' +
        '(did you mean "Asia/Seoul"?); write it like "Europe/Berlin" or "UTC"',
    ])
  })

  it('reports a product without an owner Slack destination with its file', () => {
    const noSlack = defineProduct({
      id: 'weekly-signup-funnel',
      name: 'Weekly signup funnel',
      owners: [{ team: 'growth-data' } as { team: string; slack: string }],
    })
    const noOwners = defineProduct({ id: 'orphan', name: 'Orphan', owners: [] })
    const problems = validateProject({
      products: [
        { definition: noSlack, file: 'products.ts' },
        { definition: noOwners, file: 'products.ts' },
      ],
      pipelines: [],
    })
    expect(problems).toEqual([
      {
        file: 'products.ts',
        definition: 'product weekly-signup-funnel',
        field: 'owners[0].slack',
        message: 'is required',
      },
      {
        file: 'products.ts',
        definition: 'product orphan',
        field: 'owners',
        message: expect.stringContaining('needs at least one owner with a Slack destination'),
      },
    ])
  })

  it('rejects params that are not a z.object schema', () => {
    const build = pipeline({ id: 'signup-funnel.build', params: z.string() as unknown as ParamsSchema })
    expect(validateProject(project([build]))).toEqual([
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'params',
        message: expect.stringContaining('must be a zod object schema'),
      },
    ])
  })

  it('rejects params that cannot be stored as JSON Schema', () => {
    const build = pipeline({
      id: 'signup-funnel.build',
      params: z.object({ since: z.date() }),
    })
    expect(validateProject(project([build]))).toEqual([
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'params',
        message: expect.stringContaining(
          'cannot be stored as JSON Schema for the run form: Date cannot be represented',
        ),
      },
    ])
  })

  it('rejects upstream triggers naming unknown pipelines or the pipeline itself', () => {
    const build = pipeline({
      id: 'signup-funnel.build',
      triggers: [afterSuccessOf('app-activity.count'), afterSuccessOf('signup-funnel.build')],
    })
    const counts = pipeline({ id: 'app-activity.counts' })
    expect(validateProject(project([counts, build]))).toEqual([
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'triggers[0].pipeline',
        message: 'no pipeline has the id "app-activity.count" (did you mean "app-activity.counts"?)',
      },
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'triggers[1].pipeline',
        message: 'a pipeline cannot run after its own success: that would never stop',
      },
    ])
  })

  it('rejects pipelines that trigger each other in a ring', () => {
    const a = pipeline({ id: 'a', triggers: [afterSuccessOf('c')] })
    const b = pipeline({ id: 'b', triggers: [afterSuccessOf(a)] })
    const c = pipeline({ id: 'c', triggers: [afterSuccessOf(b)] })
    expect(validateProject(project([a, b, c]))).toEqual([
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline a',
        field: 'triggers',
        message: 'pipelines trigger each other in a cycle and would run forever: a → b → c → a',
      },
    ])
  })

  it('rejects a pipeline whose product is unknown or not exported', () => {
    const unexported = defineProduct({ id: 'hidden', name: 'Hidden', owners: [{ slack: '#x' }] })
    const byId = pipeline({ id: 'by-id', product: 'weekly-signup-funel' })
    const byObject = pipeline({ id: 'by-object', product: unexported })
    expect(validateProject(project([byId, byObject]))).toEqual([
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline by-id',
        field: 'product',
        message: 'no product has the id "weekly-signup-funel" (did you mean "weekly-signup-funnel"?)',
      },
      {
        file: 'pipelines/funnel.ts',
        definition: 'pipeline by-object',
        field: 'product',
        message: 'product "hidden" is not exported from any definition file; export it so it is deployed',
      },
    ])
  })

  it('reports problems in the config with the config file named', () => {
    const config = defineConfig({
      definitions: ['x.ts'],
      usage: { timezone: 'Mars/Base', weekStartsOn: 'monday' },
    })
    expect(validateProject(project([], [], { config, configFile: 'steward.config.ts' }))).toEqual([
      {
        file: 'steward.config.ts',
        definition: 'config',
        field: 'usage.timezone',
        message: expect.stringContaining('"Mars/Base" is not an IANA time zone'),
      },
    ])
  })
})

describe('DefinitionError', () => {
  it('collects every problem, one line each, under the DEFINITION_INVALID code', () => {
    const build = pipeline({
      id: 'signup-funnel.build',
      product: 'nope',
      schedule: { cron: '0 6 * * 1', timezone: 'Asia/Seol' },
      steps: { a: step({ needs: ['b'], run: () => 1 }), b: step({ needs: ['a'], run: () => 2 }) },
    })
    let caught: unknown
    try {
      assertValidProject(project([build]))
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(DefinitionError)
    expect(isStewardError(caught) && caught.code).toBe('DEFINITION_INVALID')
    const error = caught as DefinitionError
    expect(error.problems.map((problem) => problem.field)).toEqual(['product', 'schedule.timezone', 'steps'])
    expect(error.message.split('\n')).toEqual([
      '3 problems in the definitions:',
      '  pipelines/funnel.ts › pipeline signup-funnel.build › product: no product has the id "nope"',
      expect.stringMatching(
        /^ {2}pipelines\/funnel\.ts › pipeline signup-funnel\.build › schedule\.timezone: "Asia\/Seol"/,
      ),
      '  pipelines/funnel.ts › pipeline signup-funnel.build › steps: the steps form a cycle: a → b → a',
    ])
  })

  it('is a single line for a single problem', () => {
    const error = new DefinitionError([
      { file: 'a.ts', definition: 'product x', field: 'docs', message: 'missing' },
    ])
    expect(error.message).toBe('a.ts › product x › docs: missing')
  })
})

describe('partitions', () => {
  it('rejects a time zone or first key that is not valid, naming the field', () => {
    const problems = validateProject(
      project([
        pipeline({
          id: 'activity.daily',
          partitions: dailyPartitions({ start: '2026-01-01', timezone: 'Europe/Berlinn' }),
        }),
        pipeline({
          id: 'funnel.weekly',
          partitions: weeklyPartitions({ start: '2026-01-01', timezone: 'UTC' }),
        }),
        pipeline({ id: 'by-region', partitions: staticPartitions(['eu', 'eu']) }),
      ]),
    ).map(formatProblem)
    expect(problems).toEqual([
      expect.stringMatching(
        /^pipelines\/funnel\.ts › pipeline activity\.daily › partitions\.timezone: "Europe\/Berlinn" is not an IANA time zone \(did you mean "Europe\/Berlin"\?\)/,
      ),
      'pipelines/funnel.ts › pipeline funnel.weekly › partitions.start: "2026-01-01" is not the first day of a week (weeks start on Monday)',
      'pipelines/funnel.ts › pipeline by-region › partitions.keys: lists a key twice',
    ])
  })

  it('rejects following a pipeline whose partitions cannot be mapped', () => {
    const regions = pipeline({ id: 'by-region', partitions: staticPartitions(['eu', 'us']) })
    const daily = pipeline({
      id: 'activity.daily',
      partitions: dailyPartitions({ start: '2026-01-01', timezone: 'UTC' }),
      triggers: [afterSuccessOf(regions)],
    })
    const weekly = pipeline({
      id: 'funnel.weekly',
      partitions: weeklyPartitions({ start: '2026-01-05', timezone: 'UTC' }),
      triggers: [afterSuccessOf('activity.daily')],
    })
    expect(validateProject(project([regions, daily, weekly])).map(formatProblem)).toEqual([
      'pipelines/funnel.ts › pipeline activity.daily › triggers[0].pipeline: pipeline "by-region" has static partitions and this one time partitions: they cannot be mapped onto each other; use the same kind, or drop partitions from one of them',
    ])
  })
})
