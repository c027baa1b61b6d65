import { describe, expect, it } from 'vitest'
import { definePipeline, type Pipeline } from '../definitions/pipeline.ts'
import { defineProduct } from '../definitions/product.ts'
import { freshness, late, onFailure, stepFailed, volume } from '../rules/index.ts'
import { formatProblem } from './definition-problem.ts'
import { validateProject } from './validate-project.ts'

/** Alert rules are checked where they are declared, and reported with file › definition › field. */
describe('alert rules in definitions', () => {
  const product = defineProduct({
    id: 'events',
    name: 'Events',
    owners: [{ slack: '#events' }],
    // A product cannot be late: only a scheduled pipeline can.
    alerts: [freshness({ maxAge: 'soon' as never }), late({ finishWithin: '2h' })],
  })
  const build = definePipeline({
    id: 'events.hourly',
    product,
    steps: (s) => s.step('extract', { run: async () => ({}) }),
    alerts: [
      onFailure({ notify: ['#ok', 'growth-data'] }),
      stepFailed({ step: 'extrct' }),
      volume({ metric: 'rows', below: { vsSameHour: { days: 7 }, ratio: -1 } }),
      { kind: 'page-me' } as never,
    ],
  }) as unknown as Pipeline

  it('names every problem with its file, definition and field', () => {
    const problems = validateProject({
      products: [{ definition: product, file: 'products.ts' }],
      pipelines: [{ definition: build, file: 'pipelines/events.ts' }],
    }).map(formatProblem)
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('products.ts › product events › alerts[0].maxAge: must be a duration'),
        expect.stringContaining('products.ts › product events › alerts[1]: late() needs a schedule'),
        expect.stringContaining(
          'pipelines/events.ts › pipeline events.hourly › alerts[0].notify[1]: "growth-data" is not "owners", "stakeholders" or a Slack destination',
        ),
        expect.stringContaining('pipelines/events.ts › pipeline events.hourly › alerts[2].below'),
        expect.stringContaining('pipelines/events.ts › pipeline events.hourly › alerts[3]'),
      ]),
    )
  })

  it('names a step the pipeline does not have', () => {
    const ok = definePipeline({
      id: 'events.daily',
      product: 'events',
      steps: (s) => s.step('extract', { run: async () => ({}) }),
      alerts: [stepFailed({ step: 'extrct' })],
    }) as unknown as Pipeline
    const problems = validateProject({
      products: [
        { definition: defineProduct({ id: 'events', name: 'E', owners: [{ slack: '#e' }] }), file: 'p.ts' },
      ],
      pipelines: [{ definition: ok, file: 'd.ts' }],
    }).map(formatProblem)
    expect(problems).toEqual([
      expect.stringContaining(
        'd.ts › pipeline events.daily › alerts[0].step: "extrct" is not a step of this pipeline (steps: extract)',
      ),
    ])
  })
})
