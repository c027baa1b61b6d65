import { databaseCheck } from './database-check.ts'
import type { HealthCheck } from './health-check.ts'
import { redisCheck } from './redis-check.ts'
import { schedulerCheck } from './scheduler-check.ts'
import { staleProductsCheck } from './stale-products-check.ts'
import { workersCheck } from './workers-check.ts'

/**
 * What GET /api/health asks, in this order. Adding a dependency (workers, scheduler, stale
 * products) is one file beside these and one line here.
 */
export const healthChecks: readonly HealthCheck[] = [
  databaseCheck,
  redisCheck,
  workersCheck,
  schedulerCheck,
  staleProductsCheck,
]
