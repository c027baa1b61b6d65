import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HttpStandIn, startPagerDutyStandIn } from '../testing/http-stand-in.ts'
import { ReceiverFixture } from '../testing/receiver-fixture.ts'
import { waitUntil } from '../testing/wait-until.ts'
import { type ReceiverDelivery, startReceiverDelivery } from './receiver-delivery.ts'

const routingKey = 'R0123456789abcdef0123456789abcde'
const destination = 'pagerduty:growth-oncall'

describe('PagerDuty receiver', () => {
  let fixture: ReceiverFixture
  let pagerduty: HttpStandIn
  let delivery: ReceiverDelivery
  beforeAll(async () => {
    fixture = await ReceiverFixture.open([{ team: 'data', slack: '#churn', pagerduty: 'growth-oncall' }])
    pagerduty = await startPagerDutyStandIn()
  })
  afterAll(async () => {
    await delivery?.close()
    await pagerduty?.close()
    await fixture?.dispose()
  })
  const start = (key: string) => {
    delivery = startReceiverDelivery({
      db: fixture.t.db,
      settings: {
        webhooks: {},
        pagerduty: { 'growth-oncall': { routingKey: key } },
        pagerdutyUrl: pagerduty.url,
        email: undefined,
      },
      webUrl: 'https://steward.example.com',
      paceMs: { pagerduty: 0 },
      backoff: { baseMs: 50, maxMs: 200 },
      pollMs: 50,
    })
  }
  const events = () =>
    pagerduty.requests
      .filter((r) => r.status === 202)
      .map((r) => JSON.parse(r.body) as Record<string, unknown>)

  it('triggers on open and resolves on resolve, with the incident as dedup_key; repeats page nobody', async () => {
    start(routingKey)
    pagerduty.answers.push({ status: 503 })
    await fixture.failRun()
    delivery.nudge()
    await waitUntil('the trigger recorded', async () =>
      (await fixture.notifications(destination)).every((n) => n.status === 'sent'),
    )
    expect(events()).toHaveLength(1)
    const incident = await fixture.openIncident()
    expect(pagerduty.requests.map((r) => r.status)).toEqual([503, 202])
    expect(events()[0]).toMatchObject({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: incident.id,
      payload: {
        summary: `Churn scores: ${incident.title}`,
        source: 'churn',
        severity: 'critical',
        class: 'on-failure',
      },
      client: 'Steward',
      client_url: 'https://steward.example.com/products/churn',
    })
    // A repeat of the open incident is not a new page: no notification at all for PagerDuty.
    await fixture.failRun()
    await fixture.resolve()
    delivery.nudge()
    await waitUntil('the resolve recorded', async () =>
      (await fixture.notifications(destination)).every((n) => n.status === 'sent'),
    )
    expect(events()).toHaveLength(2)
    expect(events()[1]).toEqual({ routing_key: routingKey, event_action: 'resolve', dedup_key: incident.id })
    expect((await fixture.notifications(destination)).map((n) => [n.kind, n.status])).toEqual([
      ['first', 'sent'],
      ['resolved', 'sent'],
    ])
  })

  it('records a 400 (an event PagerDuty refuses) as failed and does not send it again', async () => {
    await delivery.close()
    start('not-a-routing-key')
    const before = pagerduty.requests.length
    await fixture.failRun()
    delivery.nudge()
    await waitUntil('the refusal recorded', async () =>
      (await fixture.notifications(destination)).some((n) => n.status === 'failed'),
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    delivery.nudge()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(pagerduty.requests.slice(before).map((r) => r.status)).toEqual([400])
    const failed = (await fixture.notifications(destination)).find((n) => n.status === 'failed')
    expect(failed?.last_error).toMatch(/^PagerDuty answered HTTP 400: .*routing_key/)
    expect((await fixture.notifications('#churn')).filter((n) => n.kind === 'delivery_problem')).toHaveLength(
      1,
    )
  })
})
