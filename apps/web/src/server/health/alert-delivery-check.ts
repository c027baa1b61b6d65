import { deliveryBacklog, stuckDeliveryProblem } from '@steward/alerts'
import { getDb } from '../db.ts'
import type { HealthCheck } from './health-check.ts'

/** How long a Slack notification may wait with no process able to send it before health says so. */
export const stuckNotificationMs = 5 * 60_000

/**
 * Slack notifications are not stuck: none has waited over 5 minutes while no Steward process could
 * send (none runs with SLACK_BOT_TOKEN, or the last one stopped more than 5 minutes ago). Waiting
 * behind Slack's pacing or a 429 with a sender alive is not this check's concern.
 */
export const alertDeliveryCheck: HealthCheck = {
  name: 'alert-delivery',
  target: () => 'the Slack outbox (notifications, alert_senders)',
  async run() {
    const { db } = await getDb()
    const problem = stuckDeliveryProblem(
      await deliveryBacklog(db, { waitingMs: stuckNotificationMs }),
      stuckNotificationMs,
    )
    if (problem) throw new Error(problem)
  },
}
