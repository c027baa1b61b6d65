import { describe, expect, it } from 'vitest'
import { definePipeline, type Pipeline } from '../definitions/pipeline.ts'
import { defineProduct } from '../definitions/product.ts'
import { failureAlerting, freshness, late, onFailure, stepFailed, volume } from '../rules/index.ts'
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
      onFailure({ notify: ['#ok', 'growth-data', '@maria'] }),
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
        expect.stringContaining(
          'pipelines/events.ts › pipeline events.hourly › alerts[0].notify[2]: "@maria" is a Slack handle, which Slack cannot address: use the person\'s user id ("U…"',
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

  it('onFailure(false) is the one way to silence failures, and takes nothing else', () => {
    const silenced = definePipeline({
      id: 'events.quiet',
      product: 'events',
      steps: (s) => s.step('extract', { run: async () => ({}) }),
      alerts: [onFailure(false), onFailure({ notify: 'stakeholders' })],
    }) as unknown as Pipeline
    const odd = definePipeline({
      id: 'events.odd',
      product: 'events',
      steps: (s) => s.step('extract', { run: async () => ({}) }),
      alerts: [
        { kind: 'on-failure', off: true, notify: 'owners' } as never,
        { kind: 'on-failure', off: false } as never,
      ],
    }) as unknown as Pipeline
    const problems = validateProject({
      products: [
        { definition: defineProduct({ id: 'events', name: 'E', owners: [{ slack: '#e' }] }), file: 'p.ts' },
      ],
      pipelines: [
        { definition: silenced, file: 'quiet.ts' },
        { definition: odd, file: 'odd.ts' },
      ],
    }).map(formatProblem)
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'quiet.ts › pipeline events.quiet › alerts[0]: onFailure(false) turns failure alerts off, but alerts[1] is an onFailure(): keep one of them',
        ),
        expect.stringContaining(
          'odd.ts › pipeline events.odd › alerts[0]: onFailure(false) turns failure alerts off: it takes no other option',
        ),
        expect.stringContaining(
          'odd.ts › pipeline events.odd › alerts[1].off: must be true (onFailure(false)) or left out',
        ),
      ]),
    )
    expect(onFailure(false)).toEqual({ kind: 'on-failure', off: true })
  })
})

describe('failureAlerting: on by default, the pipeline’s declaration first', () => {
  it('answers default, declared or off', () => {
    expect(failureAlerting([], [])).toEqual({ kind: 'default' })
    expect(failureAlerting([stepFailed()], [freshness()])).toEqual({ kind: 'default' })
    expect(failureAlerting([onFailure({ notify: 'stakeholders' })], [])).toEqual({ kind: 'declared' })
    expect(failureAlerting([], [onFailure()])).toEqual({ kind: 'declared' })
    expect(failureAlerting([onFailure(false)], [onFailure()])).toEqual({ kind: 'off', by: 'pipeline' })
    expect(failureAlerting([], [onFailure(false)])).toEqual({ kind: 'off', by: 'product' })
    expect(failureAlerting([onFailure()], [onFailure(false)])).toEqual({ kind: 'declared' })
  })
})
