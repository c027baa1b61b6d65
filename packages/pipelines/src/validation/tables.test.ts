import { describe, expect, it } from 'vitest'
import { defineConfig } from '../definitions/config.ts'
import { definePipeline, type Pipeline } from '../definitions/pipeline.ts'
import { defineProduct, type Product, type ProductOptions } from '../definitions/product.ts'
import { connectionsOf } from '../definitions/warehouse.ts'
import { recordStep } from '../runtime/step-recorder.ts'
import { formatProblem } from './definition-problem.ts'
import { validateProject } from './validate-project.ts'

const owners = [{ team: 'growth-data', slack: '#growth-data' }]
const product = (id: string, tables: ProductOptions['tables']) =>
  defineProduct({ id, name: id, owners, ...(tables ? { tables } : {}) })

const writer = (id: string, productId: string, writes: string[], reads: string[] = []) =>
  definePipeline({
    id,
    product: productId,
    steps: (s) => s.step('load', { reads, writes, run: async () => undefined }),
  }) as Pipeline

const problemsOf = (
  products: Product[],
  pipelines: Pipeline[] = [],
  config = defineConfig({ definitions: ['pipelines/*.ts'] }),
) =>
  validateProject({
    config,
    products: products.map((definition) => ({ definition, file: `products/${definition.id}.ts` })),
    pipelines: pipelines.map((definition) => ({ definition, file: `pipelines/${definition.id}.ts` })),
  }).map(formatProblem)

describe('connections', () => {
  it('gives a project without connections the embedded DuckDB named warehouse', () => {
    expect(connectionsOf(undefined)).toEqual({ warehouse: { kind: 'duckdb' } })
    expect(connectionsOf({})).toEqual({ warehouse: { kind: 'duckdb' } })
    expect(connectionsOf({ pg: { kind: 'postgres', urlEnv: 'WAREHOUSE_URL' } })).toEqual({
      pg: { kind: 'postgres', urlEnv: 'WAREHOUSE_URL' },
    })
  })

  it('refuses a URL where the name of its environment variable belongs, without repeating it', () => {
    const config = defineConfig({
      definitions: ['pipelines/*.ts'],
      connections: { pg: { kind: 'postgres', urlEnv: 'postgres://ana:s3cret@db/warehouse' } },
    })
    const problems = problemsOf([], [], config)
    expect(problems).toEqual([
      expect.stringContaining(
        'steward.config.ts › config › connections.pg.urlEnv: must be the NAME of an environment variable',
      ),
    ])
    expect(problems.join('\n')).not.toContain('s3cret')
  })

  it('refuses an unknown kind and a bad connection name', () => {
    const config = defineConfig({
      definitions: ['pipelines/*.ts'],
      connections: { big: { kind: 'bigquery' } as never },
    })
    expect(problemsOf([], [], config).join('\n')).toContain(
      'connections.big.kind: must be { kind: "duckdb", file? } or { kind: "postgres", urlEnv: "WAREHOUSE_URL" }',
    )
    const named = defineConfig({ definitions: ['pipelines/*.ts'], connections: { Big: { kind: 'duckdb' } } })
    expect(problemsOf([], [], named).join('\n')).toContain('connections.Big: "Big" is not a connection name')
  })
})

describe('tables', () => {
  it('accepts tables on the default connection and steps writing their own product’s tables', () => {
    const activity = product('app-activity', [
      {
        name: 'analytics.daily_activity',
        timestampColumn: 'day',
        personal: ['user_id'],
        checks: [
          { kind: 'notNull', column: 'host' },
          { kind: 'unique', columns: ['host', 'day'], severity: 'warn' },
          { kind: 'acceptedValues', column: 'kind', values: ['web', 'api'] },
          { kind: 'rowCount', min: 1 },
          { kind: 'relationship', column: 'host', to: { table: 'analytics.hosts', column: 'host' } },
          {
            kind: 'sql',
            name: 'no future days',
            sql: 'select * from analytics.daily_activity where day > now()',
          },
        ],
      },
    ])
    expect(
      problemsOf(
        [activity],
        [writer('activity.build', 'app-activity', ['analytics.daily_activity'], ['raw.events'])],
      ),
    ).toEqual([])
  })

  it('refuses a table on an unknown connection, naming file, product, field and the connections there are', () => {
    const config = defineConfig({
      definitions: ['pipelines/*.ts'],
      connections: { warehouse: { kind: 'postgres', urlEnv: 'WAREHOUSE_URL' } },
    })
    expect(problemsOf([product('a', [{ name: 't1', connection: 'warehous' }])], [], config)).toEqual([
      'products/a.ts › product a › tables[0].connection: no connection is named "warehous" (did you mean "warehouse"?); steward.config.ts declares "warehouse"',
    ])
  })

  it('refuses a table published by two products, and twice by one', () => {
    const problems = problemsOf([
      product('a', [{ name: 'analytics.t' }, { name: 'analytics.t' }]),
      product('b', [{ name: 'analytics.u' }, { name: 'analytics.t' }]),
    ])
    expect(problems).toEqual([
      'products/a.ts › product a › tables[1].name: the table "analytics.t" is listed twice (also tables[0])',
      'products/b.ts › product b › tables[1].name: the table "analytics.t" is already published by product a (in products/a.ts); a table has one publishing product',
    ])
  })

  it('refuses a step writing a table no product publishes, or another product’s table', () => {
    const problems = problemsOf(
      [product('a', [{ name: 'analytics.t' }]), product('b', [])],
      [writer('a.build', 'a', ['analytics.tt']), writer('b.build', 'b', ['analytics.t'])],
    )
    expect(problems).toEqual([
      'pipelines/a.build.ts › pipeline a.build › steps.load.writes[0]: no product publishes the table "analytics.tt" (did you mean "analytics.t"?): add it to the tables of product a',
      'pipelines/b.build.ts › pipeline b.build › steps.load.writes[0]: the table "analytics.t" is published by product a (in products/a.ts); a pipeline of product b may write only its own product\'s tables',
    ])
  })

  it('checks the shape of tables and checks where they are written', () => {
    const problems = problemsOf([
      product('a', [
        {
          name: 'analytics.t; drop table x',
          checks: [
            { kind: 'rowCount' },
            { kind: 'notNull', column: 'id', severity: 'fatal' as never },
            { kind: 'sql', name: 'x' } as never,
          ],
        },
      ]),
    ]).join('\n')
    expect(problems).toContain('tables[0].name: "analytics.t; drop table x" is not a table name')
    expect(problems).toContain('tables[0].checks[0]: needs min, max or both')
    expect(problems).toContain('tables[0].checks[1].severity: must be "warn" or "error"')
    expect(problems).toContain('tables[0].checks[2].sql: is required')
  })

  it('refuses a relationship between tables on two connections', () => {
    const config = defineConfig({
      definitions: ['pipelines/*.ts'],
      connections: { warehouse: { kind: 'duckdb' }, pg: { kind: 'postgres', urlEnv: 'PG_URL' } },
    })
    const problems = problemsOf(
      [
        product('a', [
          { name: 'users', connection: 'pg' },
          {
            name: 'events',
            checks: [{ kind: 'relationship', column: 'user_id', to: { table: 'users', column: 'id' } }],
          },
        ]),
      ],
      [],
      config,
    )
    expect(problems).toEqual([
      'products/a.ts › product a › tables[1].checks[0].to.table: "users" is on connection "pg", "events" on "warehouse": a relationship check needs both on one connection',
    ])
  })
})

describe('rules on tables', () => {
  it('refuses freshness and schema rules on tables no product publishes, and freshness without a timestamp column', async () => {
    const { freshness, schemaChange } = await import('../rules/index.ts')
    const problems = problemsOf([
      defineProduct({
        id: 'a',
        name: 'a',
        owners,
        tables: [{ name: 'analytics.t', timestampColumn: 'day' }, { name: 'analytics.u' }],
        alerts: [
          freshness({ table: 'analytics.t', maxAge: '26h' }),
          schemaChange({ table: 'analytics.t' }),
          freshness({ table: 'analytics.u', maxAge: '1h' }),
          schemaChange({ table: 'analytics.v' }),
        ],
      }),
    ])
    expect(problems).toEqual([
      'products/a.ts › product a › alerts[2].table: freshness of "analytics.u" is read from its timestampColumn: declare one on the table',
      'products/a.ts › product a › alerts[3].table: no product publishes the table "analytics.v" (did you mean "analytics.t"?)',
    ])
  })
})

describe('ctx.sql', () => {
  it('names the connection when no warehouse was given to the context', () => {
    const { ctx } = recordStep({
      params: {},
      runId: 'r',
      pipelineId: 'p',
      stepId: 'load',
      attempt: 1,
      signal: new AbortController().signal,
    })
    expect(() => ctx.sql()).toThrow('ctx.sql("warehouse"): no warehouse connection is available to step load')
  })
})
