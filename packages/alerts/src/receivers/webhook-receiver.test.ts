import { createHmac, timingSafeEqual } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverNext } from '../delivery/deliver-next.ts'
import { noSlack } from '../slack/slack-transport.ts'
import { HttpStandIn, type RecordedRequest } from '../testing/http-stand-in.ts'
import { ReceiverFixture } from '../testing/receiver-fixture.ts'
import { waitUntil } from '../testing/wait-until.ts'
import type { AlertMessage } from './alert-message.ts'
import { ReceiverSendError } from './receiver.ts'
import { type ReceiverDelivery, startReceiverDelivery } from './receiver-delivery.ts'
import { webhookReceiver } from './webhook-receiver.ts'

const secret = 'test-webhook-secret-0123456789'
const destination = 'webhook:ops-alerts'

/** What a receiver must do: recompute the HMAC over the exact body and compare in constant time. */
function signatureValid(request: RecordedRequest): boolean {
  const header = String(request.headers['x-steward-signature'] ?? '')
  const expected = `sha256=${createHmac('sha256', secret).update(request.body, 'utf8').digest('hex')}`
  return header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected))
}

describe('webhook receiver', () => {
  let fixture: ReceiverFixture
  let hook: HttpStandIn
  const deliveries: ReceiverDelivery[] = []
  beforeAll(async () => {
    fixture = await ReceiverFixture.open(
      [{ team: 'data', slack: '#churn', webhook: 'ops-alerts' }],
      'Churn <b>scores</b> & "more"',
    )
    hook = await HttpStandIn.start()
    // Two processes with the webhook's settings: the lease keeps them from sending one thing twice.
    for (let i = 0; i < 2; i++) {
      deliveries.push(
        startReceiverDelivery({
          db: fixture.t.db,
          settings: {
            webhooks: { 'ops-alerts': { url: `${hook.url}/steward`, secret } },
            pagerduty: {},
            pagerdutyUrl: 'http://127.0.0.1:9',
            email: undefined,
          },
          backoff: { baseMs: 50, maxMs: 200 },
          pollMs: 50,
        }),
      )
    }
  })
  afterAll(async () => {
    for (const delivery of deliveries) await delivery.close()
    await hook?.close()
    await fixture?.dispose()
  })
  const nudge = () => {
    for (const delivery of deliveries) delivery.nudge()
  }

  it('posts a signed JSON body, retries a 503 with the same idempotency key, then succeeds', async () => {
    hook.answers.push({ status: 503, body: 'down for a moment' })
    await fixture.failRun()
    nudge()
    await waitUntil('the webhook delivery', async () =>
      (await fixture.notifications(destination)).every((n) => n.status === 'sent'),
    )
    expect(hook.requests.map((r) => r.status)).toEqual([503, 200])
    const [refused, accepted] = hook.requests as [RecordedRequest, RecordedRequest]
    for (const request of [refused, accepted]) {
      expect(request.method).toBe('POST')
      expect(request.path).toBe('/steward')
      expect(request.headers['content-type']).toBe('application/json')
      expect(signatureValid(request)).toBe(true)
    }
    // A retry is the same request: same body, same key, so the receiver can drop a repeat.
    expect(accepted.body).toBe(refused.body)
    expect(accepted.headers['idempotency-key']).toBe(refused.headers['idempotency-key'])
    const [row] = await fixture.notifications(destination)
    expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null })
    expect(accepted.headers['idempotency-key']).toBe(`steward-notification-${row?.id}`)

    const body = JSON.parse(accepted.body) as AlertMessage
    const incident = await fixture.openIncident()
    expect(body).toMatchObject({
      version: 1,
      id: row?.id,
      event: 'incident.opened',
      product: { id: 'churn', name: 'Churn <b>scores</b> & "more"', url: null },
      incident: {
        id: incident.id,
        rule: incident.rule_key,
        severity: 'critical',
        title: incident.title,
        status: 'open',
        fireCount: 1,
      },
    })
    // The detail is plain text, not Slack's escaped mrkdwn.
    expect(body.incident?.detail).not.toMatch(/&lt;|&gt;|&amp;/)
    // A tampered body fails the check a receiver makes.
    expect(signatureValid({ ...accepted, body: accepted.body.replace('critical', 'info') })).toBe(false)
  })

  it('retries 408 and 429 (after Retry-After) but records any other 4xx as failed, once', async () => {
    hook.answers.push({ status: 429, headers: { 'retry-after': '0' } }, { status: 408 })
    await fixture.failRun()
    nudge()
    await waitUntil('the repeat delivered', async () =>
      (await fixture.notifications(destination)).every((n) => n.status === 'sent'),
    )
    expect(hook.requests.slice(2).map((r) => r.status)).toEqual([429, 408, 200])
    expect(JSON.parse(hook.requests.at(-1)?.body ?? '{}')).toMatchObject({
      event: 'incident.repeated',
      incident: { fireCount: 2 },
    })

    const before = hook.requests.length
    hook.answers.push({ status: 400, body: '{"error":"unknown field"}' })
    await fixture.resolve()
    nudge()
    await waitUntil('the refused notification recorded', async () =>
      (await fixture.notifications(destination)).some((n) => n.status === 'failed'),
    )
    await new Promise((resolve) => setTimeout(resolve, 400))
    nudge()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(hook.requests.length).toBe(before + 1)
    const failed = (await fixture.notifications(destination)).filter((n) => n.status === 'failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ kind: 'resolved', attempts: 1 })
    expect(failed[0]?.last_error).toBe('webhook answered HTTP 400: {"error":"unknown field"}')
    // The owners hear about it on Slack, once.
    const told = await fixture.notifications('#churn')
    expect(told.filter((n) => n.kind === 'delivery_problem')).toHaveLength(1)
    expect(told.find((n) => n.kind === 'delivery_problem')?.payload.text).toContain('webhook:ops-alerts')

    // Nothing was accepted twice, though two processes delivered throughout.
    const keys = hook.requests.filter((r) => r.status === 200).map((r) => r.headers['idempotency-key'])
    expect(new Set(keys).size).toBe(keys.length)
    expect(keys).toHaveLength(2)
  })

  it('tells the owners on their webhook when Slack refuses their channel for good', async () => {
    const before = hook.requests.length
    // A transport whose every call is refused for good, as Slack refuses a channel it does not know.
    const done = await deliverNext(fixture.t.db, '#churn', {
      transport: noSlack,
      paceMs: 0,
      groupWindowMs: 0,
      backoffBaseMs: 50,
      backoffMaxMs: 200,
      maxGroup: 10,
      now: () => new Date(),
    })
    expect(done.outcome).toBe('failed')
    nudge()
    await waitUntil('the delivery problem on the webhook', () => hook.requests.length === before + 1)
    const body = JSON.parse(hook.requests.at(-1)?.body ?? '{}') as AlertMessage
    expect(body).toMatchObject({ event: 'delivery_problem', incident: null, product: { id: 'churn' } })
    expect(body.text).toContain('could not post to #churn (no SLACK_BOT_TOKEN)')
  })

  it('does not follow a redirect: the signed body goes only where it was configured to', async () => {
    const moved = await HttpStandIn.start(() => ({
      status: 301,
      headers: { location: `${hook.url}/elsewhere` },
    }))
    try {
      const receiver = webhookReceiver({ url: moved.url, secret })
      const before = hook.requests.length
      const sent = receiver.send({
        version: 1,
        id: '1',
        event: 'digest',
        createdAt: new Date(0).toISOString(),
        product: { id: 'churn', name: 'Churn', url: null },
        incident: null,
        text: 'digest',
      })
      await expect(sent).rejects.toBeInstanceOf(ReceiverSendError)
      await expect(sent).rejects.toMatchObject({
        failure: { kind: 'permanent', reason: 'webhook answered HTTP 301' },
      })
      expect(hook.requests.length).toBe(before)
    } finally {
      await moved.close()
    }
  })
})
