import { redactUrl } from '@steward/kernel'
import { settings } from '#env.ts'
import { getDb } from '../db.ts'
import type { HealthCheck } from './health-check.ts'

/** The SQL database answers `select 1` (opening the process-wide pool if it is not open yet). */
export const databaseCheck: HealthCheck = {
  name: 'database',
  target() {
    const { databaseUrl } = settings()
    return databaseUrl ? redactUrl(databaseUrl) : 'the embedded database'
  },
  async run() {
    // getDb's failures are one-line StewardErrors with the URL redacted.
    const { db } = await getDb()
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute()
  },
}
