import { join } from 'node:path'
import { isStewardError } from '@steward/kernel'
import type { StepContext } from '@steward/pipelines'
import { DefinitionError, defineProduct } from '@steward/pipelines'
import { describe, expect, it } from 'vitest'
import { createProject } from './create-project.ts'
import { loadProject } from './load-project.ts'

const fixtures = join(import.meta.dirname, 'fixtures')

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected a failure')
}

describe('loadProject', () => {
  it('imports the config and every definition file, and keeps each definition once with its file', async () => {
    const project = await loadProject(join(fixtures, 'basic', 'steward.config.ts'))
    expect(project.root).toBe(join(fixtures, 'basic'))
    expect(project.configFile).toBe('steward.config.ts')
    expect(project.config.defaults).toEqual({
      retries: 1,
      timeout: '30m',
      backoff: { type: 'fixed', delay: '5s' },
    })
    expect(project.files).toEqual(['products.ts', 'pipelines/activity.ts', 'pipelines/funnel.ts'])
    // `funnel` is re-exported by pipelines/funnel.ts: still one product, from the file that defined it.
    expect(project.products.map(({ definition, file, docsPath }) => [definition.id, file, docsPath])).toEqual(
      [
        ['app-activity-counts', 'products.ts', null],
        ['weekly-signup-funnel', 'products.ts', 'docs/weekly-signup-funnel.md'],
      ],
    )
    expect(project.products[1]?.docsMarkdown).toMatch(/^# Weekly signup funnel\n/)
    expect(project.pipelines.map(({ definition, file }) => [definition.id, file])).toEqual([
      ['app-activity.counts', 'pipelines/activity.ts'],
      ['signup-funnel.build', 'pipelines/funnel.ts'],
    ])
    // The pipeline's product and the exported product are the same object: one module graph.
    expect(project.pipelines[1]?.definition.product).toBe(project.products[1]?.definition)
  })

  it('returns steps the runtime can run, including TypeScript they import lazily', async () => {
    const project = await loadProject(join(fixtures, 'basic', 'steward.config.ts'))
    const count = project.pipelines[0]?.definition.steps.count
    const ctx = {} as StepContext
    await expect(count?.run(ctx, { parse: { path: 'parsed.jsonl', rows: 10 } })).resolves.toEqual({
      rows: 10,
      label: '10 rows counted',
    })
  })

  it('reports every problem of every file at once, each with file, definition and field', async () => {
    const error = await failure(loadProject(join(fixtures, 'broken', 'steward.config.ts')))
    expect(error).toBeInstanceOf(DefinitionError)
    expect((error as DefinitionError).problems).toEqual([
      {
        file: 'steward.config.ts',
        definition: 'config',
        field: 'definitions[1]',
        message: '"missing/**/*.ts" matches no files (relative to steward.config.ts)',
      },
      {
        file: 'steward.config.ts',
        definition: 'config',
        field: 'usage.timezone',
        message: expect.stringContaining(
          '"Europe/Berln" is not an IANA time zone (did you mean "Europe/Berlin"?)',
        ),
      },
      {
        file: 'pipelines.defs.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'schedule.timezone',
        message: expect.stringContaining('"Asia/Seol" is not an IANA time zone (did you mean "Asia/Seoul"?)'),
      },
      {
        file: 'pipelines.defs.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'steps',
        message: 'the steps form a cycle: extract → funnel → extract',
      },
      {
        file: 'pipelines.defs.ts',
        definition: 'pipeline signup-funnel.build',
        field: 'triggers[0].pipeline',
        message: 'no pipeline has the id "app-activity.counts"',
      },
      {
        file: 'pipelines.defs.ts',
        definition: 'pipeline orphan.pipeline',
        field: 'product',
        message: 'no product has the id "no-such-product"',
      },
      {
        file: 'products.defs.ts',
        definition: 'product weekly-signup-funnel',
        field: 'docs',
        message:
          '"./docs/missing.md" does not exist: looked for docs/missing.md, relative to products.defs.ts',
      },
      {
        file: 'products.defs.ts',
        definition: 'product weekly-signup-funnel',
        field: 'owners[0].slack',
        message: expect.stringContaining('"growth-data" is not a Slack destination'),
      },
      {
        file: 'products.defs.ts',
        definition: 'product weekly-signup-funnel',
        field: 'id',
        message: 'another product has the id "weekly-signup-funnel" (in more-products.defs.ts)',
      },
      {
        file: 'throws.defs.ts',
        line: 1,
        definition: '',
        field: '',
        message: 'failed to import: boom: this definition file fails when imported',
      },
    ])
    expect(error.message.split('\n')[0]).toBe('10 problems in the definitions:')
    expect(error.message).toContain(
      '  throws.defs.ts:1: failed to import: boom: this definition file fails when imported',
    )
  })

  it('fails in one line naming the config when it does not exist, throws, or exports no config', async () => {
    const missing = await failure(loadProject(join(fixtures, 'nowhere', 'steward.config.ts')))
    expect(isStewardError(missing) && missing.code).toBe('CONFIG_NOT_FOUND')
    expect(missing.message).toMatch(
      /nowhere\/steward\.config\.ts does not exist: create it with export default defineConfig/,
    )

    const throws = await failure(loadProject(join(fixtures, 'config-throws', 'steward.config.ts')))
    expect(isStewardError(throws) && throws.code).toBe('CONFIG_LOAD_FAILED')
    expect(throws.message).toMatch(/config-throws\/steward\.config\.ts:1 failed to load: config exploded$/)

    const noDefault = await failure(loadProject(join(fixtures, 'config-no-default', 'steward.config.ts')))
    expect(isStewardError(noDefault) && noDefault.code).toBe('CONFIG_INVALID')
    expect(noDefault.message).toContain('must export default defineConfig(')

    for (const error of [missing, throws, noDefault]) expect(error.message).not.toContain('\n')
  })
})

describe('createProject', () => {
  it('validates definitions held in code, reading docs relative to the file that defined them', async () => {
    const product = defineProduct({
      id: 'in-code',
      name: 'In code',
      owners: [{ slack: '#data' }],
      docs: './fixtures/basic/docs/weekly-signup-funnel.md',
    })
    const project = await createProject({ products: [product], pipelines: [], root: import.meta.dirname })
    expect(project.products[0]).toMatchObject({
      file: 'load-project.test.ts',
      docsPath: 'fixtures/basic/docs/weekly-signup-funnel.md',
    })
    expect(project.products[0]?.docsMarkdown).toContain('# Weekly signup funnel')
  })

  it('throws a DefinitionError for invalid definitions', async () => {
    const product = defineProduct({ id: 'in-code', name: 'In code', owners: [{ slack: 'nope' }] })
    const error = await failure(
      createProject({ products: [product], pipelines: [], root: import.meta.dirname }),
    )
    expect(error.message).toMatch(
      /^load-project\.test\.ts › product in-code › owners\[0\]\.slack: "nope" is not/,
    )
  })
})
