import { randomBytes } from 'node:crypto'
import type { Database } from '@steward/db'
import { type TestBackend, testBackends } from '@steward/db/testing'
import { createPostgresBackend, type Processor, Queue, quoteSchemaName, Worker, withBackend } from 'bullmq'
import { Redis } from 'ioredis'
import { type Kysely, sql } from 'kysely'
import type { AlertQueues, DeliveryJobData } from '../delivery/delivery-queue.ts'

/** Tests only: the machine's Redis, as the engine's suites use it. */
export const testRedisUrl = process.env.STEWARD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

export type TestQueueKind = 'redis' | 'postgres'

/** Both queue backends, unless STEWARD_TEST_QUEUE names one (as the engine's suites). */
export const testQueueKinds: TestQueueKind[] = (['redis', 'postgres'] as const).filter(
  (kind) => !process.env.STEWARD_TEST_QUEUE || process.env.STEWARD_TEST_QUEUE === kind,
)

/** Every test database × every queue backend: `describe.each(alertTestBackends)`. */
export const alertTestBackends: { name: string; db: TestBackend; queue: TestQueueKind }[] =
  testBackends.flatMap((db) =>
    testQueueKinds.map((queue) => ({ name: `${db.name}, ${queue} queue`, db, queue })),
  )

const postgres = withBackend(createPostgresBackend)

/**
 * The delivery queue of one test, on Redis under a prefix of its own, or on BullMQ's PostgreSQL
 * backend in a schema of its own of the test's database (PostgreSQL or the embedded PGlite). The
 * same construction as `queueFactory` in `@steward/pipelines` (which this package cannot import).
 */
export class TestQueues implements AlertQueues {
  readonly prefix = `{steward-test-alerts-${randomBytes(4).toString('hex')}}`
  readonly schema = `steward_test_alerts_${randomBytes(4).toString('hex')}_queue`

  constructor(
    readonly kind: TestQueueKind,
    readonly database: { url: string; db: Kysely<Database> },
  ) {}

  openQueue(name: string): Queue<DeliveryJobData, unknown, string> {
    if (this.kind === 'redis')
      return new Queue(name, { connection: { url: testRedisUrl }, prefix: this.prefix })
    return new postgres.Queue<DeliveryJobData, unknown, string>(name, {
      connection: this.connection(4),
    }) as unknown as Queue<DeliveryJobData, unknown, string>
  }

  openWorker(
    name: string,
    processor: Processor<DeliveryJobData, unknown, string>,
    options: { concurrency: number },
  ): Worker<DeliveryJobData, unknown, string> {
    if (this.kind === 'redis') {
      return new Worker(name, processor, {
        connection: { url: testRedisUrl, maxRetriesPerRequest: null },
        prefix: this.prefix,
        concurrency: options.concurrency,
      })
    }
    return new postgres.Worker<DeliveryJobData, unknown, string>(name, processor, {
      connection: this.connection(Math.min(options.concurrency + 2, 20)),
      concurrency: options.concurrency,
    }) as unknown as Worker<DeliveryJobData, unknown, string>
  }

  /**
   * Throws every job away at once, as a FLUSHALL does (Redis: the prefix's keys, in one script, so
   * that no job moving between its keys while they are deleted survives; PostgreSQL: the job rows).
   */
  async loseJobs(): Promise<number> {
    if (this.kind === 'redis') return deleteKeysAtOnce(this.prefix)
    const deleted = await sql`delete from ${sql.raw(quoteSchemaName(this.schema))}.job`.execute(
      this.database.db,
    )
    return Number(deleted.numAffectedRows ?? 0)
  }

  async dispose(): Promise<void> {
    if (this.kind === 'redis') await deleteKeysAtOnce(this.prefix)
    else
      await sql`drop schema if exists ${sql.raw(quoteSchemaName(this.schema))} cascade`.execute(
        this.database.db,
      )
  }

  private connection(max: number) {
    return { connectionString: this.database.url, schema: this.schema, migrate: true, max }
  }
}

/** Tests only: KEYS inside a script blocks Redis while it runs, which is the point here. */
async function deleteKeysAtOnce(prefix: string): Promise<number> {
  const redis = new Redis(testRedisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    const script = `local n = 0
      for _, key in ipairs(redis.call('KEYS', ARGV[1])) do n = n + redis.call('DEL', key) end
      return n`
    return Number(await redis.eval(script, 0, `${prefix}*`))
  } finally {
    redis.disconnect()
  }
}
