import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { definePipeline, type Pipeline } from '../definitions/pipeline.ts'
import { defineProduct } from '../definitions/product.ts'
import { onFile } from '../definitions/triggers.ts'
import { formatProblem } from './definition-problem.ts'
import { validateProject } from './validate-project.ts'

const churn = defineProduct({
  id: 'churn-scores',
  name: 'Churn scores',
  owners: [{ team: 'crm', slack: '#crm' }],
})

const problemsOf = (pipeline: Pipeline) =>
  validateProject({
    products: [{ definition: churn, file: 'products.ts' }],
    pipelines: [{ definition: pipeline, file: 'pipelines/churn.ts' }],
  }).map(formatProblem)

describe('onFile triggers', () => {
  it('accept a string param to receive the file name', () => {
    const ok = definePipeline({
      id: 'churn.score',
      product: churn,
      params: z.object({ file: z.string() }),
      triggers: [onFile({ inbox: 'churn', param: 'file' })],
      steps: (s) => s.step('score', { run: async () => 'ok' }),
    }) as Pipeline
    expect(problemsOf(ok)).toEqual([])
  })

  it('name the missing param, a param that is not a string, and a bad inbox folder', () => {
    const missing = definePipeline({
      id: 'churn.score',
      product: churn,
      triggers: [onFile({ inbox: 'churn', param: 'file' })],
      steps: (s) => s.step('score', { run: async () => 'ok' }),
    }) as Pipeline
    expect(problemsOf(missing)).toEqual([
      'pipelines/churn.ts › pipeline churn.score › triggers[0].param: the pipeline has no param "file" to receive the file name: add file: z.string() to params',
    ])
    const notString = definePipeline({
      id: 'churn.score',
      product: churn,
      params: z.object({ file: z.number() }),
      triggers: [onFile({ inbox: 'churn', param: 'file' })],
      steps: (s) => s.step('score', { run: async () => 'ok' }),
    }) as Pipeline
    expect(problemsOf(notString)).toEqual([
      'pipelines/churn.ts › pipeline churn.score › triggers[0].param: the param "file" must be a string to receive the file name',
    ])
    const badFolder = definePipeline({
      id: 'churn.score',
      product: churn,
      params: z.object({ file: z.string() }),
      triggers: [onFile({ inbox: '../etc', param: 'file' })],
      steps: (s) => s.step('score', { run: async () => 'ok' }),
    }) as Pipeline
    expect(problemsOf(badFolder)).toEqual([
      expect.stringMatching(
        /^pipelines\/churn\.ts › pipeline churn\.score › triggers\[0\]\.inbox: must be a folder name/,
      ),
    ])
  })
})
