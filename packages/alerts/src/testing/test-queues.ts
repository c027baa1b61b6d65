import { randomBytes } from 'node:crypto'
import { type TestBackend, testBackends } from '@steward/db/testing'
import {
  deleteQueueKeys,
  loseQueuedJobs,
  type QueueBackend,
  type QueueFactory,
  queueFactory,
  type StewardQueue,
} from '@steward/queue'
import { type TestQueueKind, testQueueKinds, testRedisUrl } from '@steward/queue/testing'
import type { DeliveryJobData } from '../delivery/delivery-queue.ts'

/** Every test database × every queue backend: `describe.each(alertTestBackends)`. */
export const alertTestBackends: { name: string; db: TestBackend; queue: TestQueueKind }[] =
  testBackends.flatMap((db) =>
    testQueueKinds.map((queue) => ({ name: `${db.name}, ${queue} queue`, db, queue })),
  )

/**
 * The delivery queue of one test: on Redis under a prefix of its own, or on BullMQ's PostgreSQL
 * backend in the schema of that prefix in the test's database (PostgreSQL or the embedded PGlite).
 * Built as production builds it (`queueFactory`), so the tests run the code that ships.
 */
export class TestQueues {
  readonly prefix = `{steward-test-alerts-${randomBytes(4).toString('hex')}}`
  readonly backend: QueueBackend
  private readonly factory: QueueFactory

  constructor(kind: TestQueueKind, database: { url: string }) {
    this.backend = kind === 'redis' ? { kind, url: testRedisUrl } : { kind, url: database.url }
    this.factory = queueFactory({ backend: this.backend, prefix: this.prefix })
  }

  /** What `startAlerts` and `startDelivery` take as `queue`. */
  get location(): { backend: QueueBackend; prefix: string } {
    return { backend: this.backend, prefix: this.prefix }
  }

  /** The delivery queue itself, for a test to inspect its jobs. */
  openQueue(name: string): StewardQueue<DeliveryJobData> {
    return this.factory.openQueue<DeliveryJobData>(name)
  }

  /** Throws every job away at once, as a FLUSHALL does (Redis: one script; PostgreSQL: the job rows). */
  loseJobs(): Promise<number> {
    return loseQueuedJobs(this.backend, this.prefix)
  }

  async dispose(): Promise<void> {
    await deleteQueueKeys(this.backend, this.prefix)
  }
}
