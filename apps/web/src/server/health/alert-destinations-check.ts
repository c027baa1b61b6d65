import { describeRefused, refusedDestinations } from '@steward/alerts'
import { getDb } from '../db.ts'
import type { HealthCheck } from './health-check.ts'

/**
 * Destinations Slack refused for good (`channel_not_found`, `not_in_channel`, `invalid_auth`…),
 * one line each in `details`. OKAY all the same: a wrong channel in a definition is for the data
 * team to fix, not a reason for a load balancer to take this host out.
 */
export const alertDestinationsCheck: HealthCheck = {
  name: 'alert-destinations',
  target: () => 'the Slack destinations (alert_channels)',
  async run() {
    const { db } = await getDb()
    const refused = await refusedDestinations(db, { limit: 10 })
    return { details: refused.map(describeRefused) }
  },
}
