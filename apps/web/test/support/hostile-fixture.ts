import { migrateToLatest } from '@steward/db'
import type { TestBackend, TestDatabase } from '@steward/db/testing'
import { RuntimeHarness, testProduct } from '@steward/engine/testing'
import { definePipeline, onEvent } from '@steward/pipelines'
import { testRedisUrl } from '@steward/queue/testing'
import { createToken } from '@steward/usage'
import { z } from 'zod'
import { openRouteApp, type RouteApp } from './route-app.ts'

/** A pipeline with a text param, so hostile params reach the run's SQL. */
export const echo = definePipeline({
  id: 'hostile.echo',
  product: testProduct,
  triggers: [onEvent({ name: 'hostile-ready' })],
  params: z.object({ note: z.string().default('') }),
  steps: (s) => s.step('echo', { run: async (ctx) => ({ note: ctx.params.note }) }),
})

export interface HostileFixture {
  database: TestDatabase
  harness: RuntimeHarness
  app: RouteApp
  /** Bearer tokens with the ingest and read scopes. */
  ingest: string
  read: string
  dispose(): Promise<void>
}

/**
 * A database with the usage product `funnel`, the pipeline above deployed (no worker: runs stay
 * queued), tokens, and the API routes pointed at it.
 */
export async function openHostileFixture(backend: TestBackend): Promise<HostileFixture> {
  const database = await backend.open()
  await migrateToLatest(database.db)
  const harness = await new RuntimeHarness(database.db).deploy([echo])
  await database.db
    .insertInto('products')
    .values({
      id: 'funnel',
      name: 'Funnel',
      owners: '[]',
      stakeholders: '[]',
      links: '[]',
      tags: [],
      definition_hash: 'h',
      budget_monthly_usd: 100,
    })
    .execute()
  const ingest = (await createToken(database.db, { name: 'looker', scopes: ['ingest'] })).token
  const read = (await createToken(database.db, { name: 'reader', scopes: ['read'] })).token
  const app = await openRouteApp(database, {
    REDIS_URL: testRedisUrl,
    STEWARD_QUEUE: 'redis',
    STEWARD_QUEUE_PREFIX: harness.prefix,
    STEWARD_USAGE_SALT: 'hostile-test-salt-0123456789',
  })
  return {
    database,
    harness,
    app,
    ingest,
    read,
    async dispose() {
      await app.close()
      await harness.dispose()
      await database.dispose()
    },
  }
}
