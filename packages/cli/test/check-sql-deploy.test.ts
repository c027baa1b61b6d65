import { fileURLToPath } from 'node:url'
import { openWarehouse } from '@steward/engine'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lines, runSteward, tempHome } from './support/steward-process.ts'

const config = fileURLToPath(
  new URL('../../engine/src/loader/fixtures/check-sql/steward.config.ts', import.meta.url),
)

describe('steward deploy and check SQL', () => {
  let home: Awaited<ReturnType<typeof tempHome>>
  beforeAll(async () => {
    home = await tempHome()
    const warehouse = openWarehouse(
      'warehouse',
      { kind: 'duckdb' },
      { stewardHome: home.path, variables: {} },
    )
    try {
      await warehouse.query('create schema shop')
      await warehouse.query('create table shop.orders (id integer, status text, price double, refund double)')
    } finally {
      await warehouse.close()
    }
  })
  afterAll(async () => {
    await home?.dispose()
  })

  it('refuses a check whose SQL the warehouse refuses, naming file, product and check, and deploys nothing', async () => {
    const result = await runSteward(['deploy', '--config', config], { STEWARD_HOME: home.path })
    expect(result.code).toBe(1)
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        /^steward: products\.ts › product orders › tables\[0\]\.checks\[1\]: check no refunds above price on shop\.orders does not run on connection "warehouse": Failed to extract statements: Parser Error: syntax error at or near "from" LINE 3: selec \* from shop\.orders/,
      ),
    ])
    expect(result.stdout).not.toContain('deploy: products')
  }, 120_000)
})
