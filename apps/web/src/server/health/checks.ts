import { settings } from '#env.ts'
import { alertDeliveryCheck } from './alert-delivery-check.ts'
import { alertDestinationsCheck } from './alert-destinations-check.ts'
import { databaseCheck } from './database-check.ts'
import type { HealthCheck } from './health-check.ts'
import { queueDatabaseCheck } from './queue-database-check.ts'
import { redisCheck } from './redis-check.ts'
import { schedulerCheck } from './scheduler-check.ts'
import { staleProductsCheck } from './stale-products-check.ts'
import { usageRollupsCheck } from './usage-rollups-check.ts'
import { workersCheck } from './workers-check.ts'

/**
 * What GET /api/health asks, in this order: the database, then the queue — Redis, or with
 * STEWARD_QUEUE=postgres the database again, as `queue`. Adding a dependency (workers, scheduler,
 * stale products, usage rollups, alert delivery and destinations) is one file beside these and one line here.
 */
export function healthChecks(): readonly HealthCheck[] {
  let onPostgres = false
  try {
    onPostgres = settings().queue === 'postgres'
  } catch {
    // A bad setting: the checks themselves report it, naming the setting.
  }
  return [
    databaseCheck,
    onPostgres ? queueDatabaseCheck : redisCheck,
    workersCheck,
    schedulerCheck,
    staleProductsCheck,
    usageRollupsCheck,
    alertDeliveryCheck,
    alertDestinationsCheck,
  ]
}
