import {
  afterSuccessOf,
  defineConfig,
  definePipeline,
  defineProduct,
  manual,
  onEvent,
  onFailure,
  type ProductOptions,
} from '@steward/pipelines'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createProject } from '../loader/create-project.ts'
import { canonicalJson } from './canonical-json.ts'
import { compileCatalog } from './compile-catalog.ts'

const productOptions: ProductOptions = {
  id: 'weekly-signup-funnel',
  name: 'Weekly signup funnel',
  owners: [{ team: 'growth-data', slack: '#growth-data' }],
  stakeholders: [{ name: 'Growth PMs', slack: '#growth' }],
  links: [{ title: 'Dashboard', url: 'https://bi.example.com/d/1' }],
  tier: 'gold',
  tags: ['growth'],
  freshness: { maxAge: '8d' },
  budget: { monthlyUsd: 200 },
}

/** Fresh definitions each call, as a new process loading the same code would make them. */
function definitions(options: { retries?: number; extract?: () => Promise<{ path: string }> } = {}) {
  const product = defineProduct(productOptions)
  const counts = definePipeline({
    id: 'app-activity.counts',
    product: 'weekly-signup-funnel',
    steps: (s) => s.step('count', { run: async () => ({ rows: 1 }) }),
  })
  const build = definePipeline({
    id: 'signup-funnel.build',
    product,
    schedule: { cron: '0 6 * * 1', timezone: 'Asia/Seoul' },
    triggers: [afterSuccessOf(counts), onEvent(), manual()],
    params: z.object({ week: z.string().optional() }),
    maxConcurrentRuns: 2,
    steps: (s) =>
      s
        .step('extract', {
          retries: options.retries ?? 3,
          timeout: '10m',
          run: options.extract ?? (async () => ({ path: 'x' })),
        })
        .step('funnel', { needs: ['extract'], run: async (_ctx, { extract }) => extract.path }),
    alerts: [onFailure()],
  })
  return { products: [product], pipelines: [counts, build] }
}

const config = defineConfig({
  definitions: ['pipelines/*.ts'],
  defaults: { retries: 1, timeout: '30m', backoff: { type: 'fixed', delay: '5s' } },
})

describe('compileCatalog', () => {
  it('compiles products and pipelines to catalog rows', async () => {
    const catalog = compileCatalog(
      await createProject({ ...definitions(), config, root: import.meta.dirname }),
    )
    expect(catalog.products).toEqual([
      {
        id: 'weekly-signup-funnel',
        name: 'Weekly signup funnel',
        description: '',
        owners: [{ team: 'growth-data', slack: '#growth-data' }],
        stakeholders: [{ name: 'Growth PMs', slack: '#growth' }],
        docs_path: null,
        docs_markdown: null,
        links: [{ title: 'Dashboard', url: 'https://bi.example.com/d/1' }],
        tier: 'gold',
        tags: ['growth'],
        freshness_max_age_seconds: 8 * 86_400,
        budget_monthly_usd: 200,
        alert_rules: [],
        source_file: 'compile-catalog.test.ts',
        definition_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ])
    const build = catalog.pipelines[1]
    expect(build).toMatchObject({
      id: 'signup-funnel.build',
      product_id: 'weekly-signup-funnel',
      name: 'signup-funnel.build',
      schedule_cron: '0 6 * * 1',
      schedule_timezone: 'Asia/Seoul',
      triggers: [
        { kind: 'upstream', pipeline: 'app-activity.counts' },
        { kind: 'event', name: null },
        { kind: 'manual' },
      ],
      params_schema: { type: 'object', properties: { week: { type: 'string' } } },
      max_concurrent_runs: 2,
      alert_rules: [{ kind: 'on-failure' }],
      source_file: 'compile-catalog.test.ts',
    })
    // The step's own settings win; the config's defaults fill the rest.
    expect(build?.steps).toEqual([
      {
        id: 'extract',
        needs: [],
        retries: 3,
        backoffType: 'fixed',
        backoffMs: 5_000,
        timeoutMs: 600_000,
        codeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      {
        id: 'funnel',
        needs: ['extract'],
        retries: 1,
        backoffType: 'fixed',
        backoffMs: 5_000,
        timeoutMs: 1_800_000,
        codeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ])
    // A pipeline without partitions keeps them out of its definition, so its hash did not change
    // when partitions were introduced.
    const { source_file: _file, definition_hash: _hash, definition, partitions, ...columns } = build ?? {}
    expect(partitions).toBeNull()
    expect(definition).toEqual(columns)
  })

  it('gives unchanged code the same hashes, and a changed step or run body new ones', async () => {
    const compile = async (options?: Parameters<typeof definitions>[0]) =>
      compileCatalog(await createProject({ ...definitions(options), config, root: import.meta.dirname }))
    const first = await compile()
    const again = await compile()
    expect(again).toEqual(first)

    const hashes = (catalog: typeof first) => catalog.pipelines.map((pipeline) => pipeline.definition_hash)
    const retried = await compile({ retries: 5 })
    expect(hashes(retried)[0]).toBe(hashes(first)[0])
    expect(hashes(retried)[1]).not.toBe(hashes(first)[1])
    expect(retried.products[0]?.definition_hash).toBe(first.products[0]?.definition_hash)

    // Same settings, different source text in `run`: a new version too.
    const edited = await compile({ extract: async () => ({ path: 'y' }) })
    expect(edited.pipelines[1]?.steps[0]?.codeHash).not.toBe(first.pipelines[1]?.steps[0]?.codeHash)
    expect(hashes(edited)[1]).not.toBe(hashes(first)[1])
    expect(hashes(edited)[0]).toBe(hashes(first)[0])
  })

  it('does not depend on the order options were written in', async () => {
    const reordered = defineProduct({
      budget: { monthlyUsd: 200 },
      freshness: { maxAge: '8d' },
      tags: ['growth'],
      tier: 'gold',
      links: [{ url: 'https://bi.example.com/d/1', title: 'Dashboard' }],
      stakeholders: [{ slack: '#growth', name: 'Growth PMs' }],
      owners: [{ slack: '#growth-data', team: 'growth-data' }],
      name: 'Weekly signup funnel',
      id: 'weekly-signup-funnel',
    })
    const compile = async (product: ReturnType<typeof defineProduct>) =>
      compileCatalog(await createProject({ products: [product], pipelines: [], root: import.meta.dirname }))
    expect((await compile(reordered)).products[0]?.definition_hash).toBe(
      (await compile(defineProduct(productOptions))).products[0]?.definition_hash,
    )
  })
})

describe('canonicalJson', () => {
  it('sorts keys at every level and drops what JSON drops', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined, f: () => 1 } })).toBe(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1}',
    )
  })
})
