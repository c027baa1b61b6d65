import { queueSchema } from '@steward/queue'
import { settings } from '#env.ts'
import { getDb } from '../db.ts'
import type { HealthCheck } from './health-check.ts'

/**
 * With STEWARD_QUEUE=postgres the queue is BullMQ's PostgreSQL backend in Steward's own database:
 * it answers when the database does. Reported as `queue` (no `redis` check: there is no Redis).
 */
export const queueDatabaseCheck: HealthCheck = {
  name: 'queue',
  target: () => `the queue schema ${queueSchema(settings().queuePrefix)} in the database`,
  async run() {
    const { db } = await getDb()
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute()
  },
}
