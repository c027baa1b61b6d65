import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliveryBacklog } from '../delivery/senders.ts'
import { HttpStandIn } from '../testing/http-stand-in.ts'
import { ReceiverFixture } from '../testing/receiver-fixture.ts'
import { unservedReceivers, unservedReceiversProblem } from './receiver-backlog.ts'
import { startReceiverDelivery } from './receiver-delivery.ts'

describe('receivers no process serves', () => {
  let fixture: ReceiverFixture
  let hook: HttpStandIn
  beforeAll(async () => {
    fixture = await ReceiverFixture.open([
      { team: 'data', slack: '#churn', webhook: 'ops-alerts', pagerduty: 'data-oncall' },
    ])
    hook = await HttpStandIn.start()
  })
  afterAll(async () => {
    await hook?.close()
    await fixture?.dispose()
  })

  it('are named with the settings to set once their notifications waited 5 minutes untried', async () => {
    await fixture.failRun()
    expect(await unservedReceivers(fixture.t.db)).toEqual([])
    await fixture.t.db
      .updateTable('notifications')
      .set({ created_at: new Date(Date.now() - 6 * 60_000) })
      .execute()
    const unserved = await unservedReceivers(fixture.t.db)
    expect(unserved.map((u) => [u.destination, u.waiting])).toEqual([
      ['pagerduty:data-oncall', 1],
      ['webhook:ops-alerts', 1],
    ])
    expect(unservedReceiversProblem(unserved)).toBe(
      '1 notification for pagerduty:data-oncall waited over 5 minutes and no Steward process tried it: set STEWARD_PAGERDUTY_DATA_ONCALL_ROUTING_KEY on at least one process (steward dev, worker or scheduler); ' +
        '1 notification for webhook:ops-alerts waited over 5 minutes and no Steward process tried it: set STEWARD_WEBHOOK_OPS_ALERTS_URL and _SECRET on at least one process (steward dev, worker or scheduler)',
    )
    // Slack's own check counts Slack's notifications only.
    expect(await deliveryBacklog(fixture.t.db, { waitingMs: 0 })).toMatchObject({ pending: 1, waiting: 1 })

    // A process with the webhook's settings, whose receiver is down: tried, so no longer "unserved".
    hook.answers.push({ status: 503 })
    const delivery = startReceiverDelivery({
      db: fixture.t.db,
      settings: {
        webhooks: { 'ops-alerts': { url: hook.url, secret: 'a-webhook-secret-123' } },
        pagerduty: {},
        pagerdutyUrl: 'http://127.0.0.1:9',
        email: undefined,
      },
      backoff: { baseMs: 60_000 },
    })
    await delivery.deliverNow()
    await delivery.close()
    expect(hook.requests.map((r) => r.status)).toEqual([503])
    expect((await unservedReceivers(fixture.t.db)).map((u) => u.destination)).toEqual([
      'pagerduty:data-oncall',
    ])
  })
})
