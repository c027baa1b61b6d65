import {
  deliveryBacklog,
  stuckDeliveryProblem,
  unservedReceivers,
  unservedReceiversProblem,
} from '@steward/alerts'
import { getDb } from '../db.ts'
import type { HealthCheck } from './health-check.ts'

/** How long a Slack notification may wait with no process able to send it before health says so. */
export const stuckNotificationMs = 5 * 60_000

/**
 * Slack notifications are not stuck: none has waited over 5 minutes while no Steward process could
 * send (none runs with SLACK_BOT_TOKEN, or the last one stopped more than 5 minutes ago). Waiting
 * behind Slack's pacing or a 429 with a sender alive is not this check's concern. The same for
 * webhooks, PagerDuty and e-mail: none of a receiver's notifications has waited over 5 minutes
 * without a single attempt (no running process has that receiver's settings).
 */
export const alertDeliveryCheck: HealthCheck = {
  name: 'alert-delivery',
  target: () => 'the alert outbox (notifications, alert_senders)',
  async run() {
    const { db } = await getDb()
    const [backlog, unserved] = await Promise.all([
      deliveryBacklog(db, { waitingMs: stuckNotificationMs }),
      unservedReceivers(db, stuckNotificationMs),
    ])
    const problems = [
      stuckDeliveryProblem(backlog, stuckNotificationMs),
      unservedReceiversProblem(unserved, stuckNotificationMs),
    ].filter((problem) => problem !== undefined)
    if (problems.length > 0) throw new Error(problems.join('; '))
  },
}
