import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fireIncident } from '../incidents/incident-lifecycle.ts'
import { seedProduct } from '../testing/seed.ts'
import { handleSlackInteraction } from './interactivity.ts'
import { Mrkdwn } from './mrkdwn.ts'
import { ackActionId, snoozeActionId } from './render.ts'
import { signSlackBody, verifySlackSignature } from './verify-signature.ts'

const secret = 'test-signing-secret'
const now = Date.UTC(2026, 10, 20, 12)
const ts = (offsetS = 0) => String(Math.floor(now / 1000) + offsetS)

function buttonBody(
  actionId: string,
  value: string,
  channel = { id: 'C0BTN', name: 'btn' },
  responseUrl?: string,
  user = { id: 'U0001', username: 'ana' },
): string {
  const payload = {
    type: 'block_actions',
    user,
    channel,
    actions: [{ action_id: actionId, value }],
    ...(responseUrl ? { response_url: responseUrl } : {}),
  }
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
}

describe('verifySlackSignature', () => {
  const body = 'payload=%7B%7D'
  it('accepts a v0 signature made with the secret, within five minutes', () => {
    expect(
      verifySlackSignature({
        signingSecret: secret,
        timestamp: ts(-299),
        signature: signSlackBody(secret, ts(-299), body),
        rawBody: body,
        nowMs: now,
      }),
    ).toEqual({ ok: true })
  })
  it('rejects a bad signature, a changed body, a stale or future timestamp, and a missing secret', () => {
    const good = signSlackBody(secret, ts(), body)
    const check = (over: Partial<Parameters<typeof verifySlackSignature>[0]>) =>
      verifySlackSignature({
        signingSecret: secret,
        timestamp: ts(),
        signature: good,
        rawBody: body,
        nowMs: now,
        ...over,
      })
    expect(check({ signature: signSlackBody('other-secret', ts(), body) })).toEqual({
      ok: false,
      reason: 'bad signature',
    })
    expect(check({ rawBody: `${body}x` })).toEqual({ ok: false, reason: 'bad signature' })
    expect(check({ signature: 'v0=abc' })).toEqual({ ok: false, reason: 'bad signature' })
    expect(check({ signature: null })).toEqual({ ok: false, reason: 'missing signature' })
    expect(check({ timestamp: ts(-301), signature: signSlackBody(secret, ts(-301), body) })).toEqual({
      ok: false,
      reason: 'stale timestamp',
    })
    expect(check({ timestamp: ts(400), signature: signSlackBody(secret, ts(400), body) })).toEqual({
      ok: false,
      reason: 'stale timestamp',
    })
    expect(check({ timestamp: null })).toEqual({ ok: false, reason: 'missing timestamp' })
    expect(check({ signingSecret: '' })).toMatchObject({ ok: false })
  })
})

describe.each(testBackends)('Slack buttons on $name', (backend) => {
  let t: TestDatabase
  let incidentId: string
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    await seedProduct(t.db, {
      id: 'btn',
      owners: [
        { team: 'data', slack: '#btn', mention: ['U0ONCALL01'] },
        { name: 'Maria', slack: '@maria' },
      ],
    })
    await fireIncident(t.db, {
      ruleKey: 'product:btn:freshness',
      ruleKind: 'freshness',
      subjectKey: 'product:btn',
      productId: 'btn',
      severity: 'warning',
      title: 'btn is stale',
      detail: Mrkdwn.empty,
      destinations: ['#btn'],
      at: new Date(now),
      repeat: false,
    })
    incidentId = (await t.db.selectFrom('incidents').select('id').executeTakeFirstOrThrow()).id
  })
  afterAll(async () => {
    await t?.dispose()
  })
  const send = (body: string, timestamp = ts(), signature = signSlackBody(secret, timestamp, body)) =>
    handleSlackInteraction(t.db, { signingSecret: secret, timestamp, signature, rawBody: body, nowMs: now })

  it('refuses unsigned, badly signed and stale requests without touching the incident', async () => {
    const body = buttonBody(ackActionId, incidentId)
    expect((await send(body, ts(), 'v0=deadbeef')).status).toBe(401)
    expect((await send(body, ts(-600))).status).toBe(401)
    expect((await send(body, ts(), '')).status).toBe(401)
    const incident = await t.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow()
    expect(incident.acked_at).toBeNull()
  })

  it('acknowledges and snoozes from the buttons', async () => {
    expect(await send(buttonBody(ackActionId, incidentId))).toEqual({
      status: 200,
      body: { text: 'Acknowledged by ana' },
    })
    const snoozed = await send(buttonBody(snoozeActionId, `${incidentId}|2h`))
    expect(snoozed.status).toBe(200)
    const incident = await t.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow()
    expect(incident.acked_by).toBe('ana')
    expect(incident.snoozed_until?.getTime()).toBe(now + 2 * 3_600_000)
    // Each press is in the audit log: who in Slack, from which channel, on which incident.
    const audit = await t.db.selectFrom('audit_log').selectAll().orderBy('id').execute()
    expect(audit).toMatchObject([
      {
        actor_kind: 'slack',
        actor: 'U0001 (@ana)',
        via: 'slack',
        source: 'Slack channel #btn',
        action: 'incident.ack',
        target_kind: 'incident',
        target_id: incidentId,
        product_id: 'btn',
      },
      {
        actor_kind: 'slack',
        action: 'incident.snooze',
        target_id: incidentId,
        details: { until: new Date(now + 2 * 3_600_000).toISOString() },
      },
    ])
  })

  it('takes a press from a person an owner mentions, wherever it is; a stored @handle owner grants nothing', async () => {
    const elsewhere = { id: 'D0DIRECT', name: 'directmessage' }
    const handle = await send(
      buttonBody(ackActionId, incidentId, elsewhere, undefined, { id: 'U0MARIA01', username: 'maria' }),
    )
    expect(handle.body.text).toContain('Only the owners of btn')
    const oncall = await send(
      buttonBody(ackActionId, incidentId, elsewhere, undefined, { id: 'U0ONCALL01', username: 'omar' }),
    )
    expect(oncall.body).toEqual({ text: 'Acknowledged by omar' })
  })

  it("refuses a press from outside the owners' channel with a private note, and changes nothing", async () => {
    const before = await t.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow()
    // Slack reads a reply to a button from response_url only: a local server stands in for it.
    const replies: unknown[] = []
    const hook = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => {
        body += chunk
      })
      request.on('end', () => {
        replies.push(JSON.parse(body))
        response.end('ok')
      })
    })
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve))
    const { port } = hook.address() as AddressInfo
    const outside = await send(
      buttonBody(
        snoozeActionId,
        `${incidentId}|4h`,
        { id: 'C0PM', name: 'growth-pms' },
        `http://127.0.0.1:${port}/hook`,
      ),
    )
    hook.close()
    expect(replies).toEqual([outside.body])
    expect(outside).toEqual({
      status: 200,
      body: {
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Only the owners of btn can acknowledge or snooze its alerts: ask in #btn, @maria, or use the web UI.',
      },
    })
    const after = await t.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow()
    expect(after.snoozed_until).toEqual(before.snoozed_until)
  })
})
