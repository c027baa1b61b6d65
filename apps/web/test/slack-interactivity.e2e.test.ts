import { fireIncident, Mrkdwn } from '@steward/alerts'
import { seedProduct, signSlackBody } from '@steward/alerts/testing'
import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ensureNextBuild, type NextServer, startNextServer } from './support/next-app.ts'

/** Slack's buttons and the incident API through the real Next server: signatures checked first. */
const secret = 'e2e-signing-secret'

beforeAll(async () => {
  await ensureNextBuild()
}, 240_000)

describe('POST /api/slack/interactivity and /api/v1/incidents/:id', () => {
  let database: TestDatabase | undefined
  let server: NextServer | undefined
  let incidentId = ''

  beforeAll(async () => {
    database = await testBackends.find((backend) => backend.name === 'pglite')?.open()
    if (!database) throw new Error('no pglite test backend')
    await migrateToLatest(database.db)
    await seedProduct(database.db, { id: 'web-btn', owners: ['#web-btn'] })
    await fireIncident(database.db, {
      ruleKey: 'product:web-btn:freshness',
      ruleKind: 'freshness',
      subjectKey: 'product:web-btn',
      productId: 'web-btn',
      severity: 'warning',
      title: 'web-btn is stale',
      detail: Mrkdwn.empty,
      destinations: ['#web-btn'],
      at: new Date(),
      repeat: false,
    })
    incidentId = (await database.db.selectFrom('incidents').select('id').executeTakeFirstOrThrow()).id
    server = await startNextServer({ DATABASE_URL: database.url, SLACK_SIGNING_SECRET: secret })
  }, 120_000)

  afterAll(async () => {
    await server?.stop()
    await database?.dispose()
  })

  const press = (body: string, timestamp: string, signature: string) =>
    fetch(`${server?.url}/api/slack/interactivity`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signature,
      },
      body,
    })
  const ackBody = () =>
    new URLSearchParams({
      payload: JSON.stringify({
        user: { id: 'U1', username: 'ana' },
        channel: { id: 'C1', name: 'web-btn' },
        actions: [{ action_id: 'steward_ack', value: incidentId }],
      }),
    }).toString()

  test('rejects a bad signature and a stale timestamp with 401, then acknowledges a signed press', async () => {
    const body = ackBody()
    const now = String(Math.floor(Date.now() / 1000))
    expect((await press(body, now, signSlackBody('wrong', now, body))).status).toBe(401)
    const stale = String(Math.floor(Date.now() / 1000) - 600)
    expect((await press(body, stale, signSlackBody(secret, stale, body))).status).toBe(401)
    const before = await database?.db.selectFrom('incidents').select('acked_at').executeTakeFirstOrThrow()
    expect(before?.acked_at).toBeNull()

    const ok = await press(body, now, signSlackBody(secret, now, body))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ text: 'Acknowledged by ana' })
  })

  test('snoozes through the API, and 404s for an unknown incident', async () => {
    const response = await fetch(`${server?.url}/api/v1/incidents/${incidentId}/snooze`, {
      method: 'POST',
      body: JSON.stringify({ for: '2h', by: 'lee' }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ id: incidentId, snoozedBy: 'lee' })
    const missing = await fetch(`${server?.url}/api/v1/incidents/00000000-0000-0000-0000-000000000000/ack`, {
      method: 'POST',
    })
    expect(missing.status).toBe(404)
  })
})
