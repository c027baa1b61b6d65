import type { TestDatabase } from '@steward/db/testing'
import { onFailure, stepFailed } from '@steward/pipelines/rules'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Alerts, startAlerts } from './start-alerts.ts'
import { closeAlertsSuite, openAlertsSuite } from './testing/alerts-suite.ts'
import { seedPipeline, seedProduct, seedRun } from './testing/seed.ts'
import type { SlackServer } from './testing/slack-server.ts'
import { alertTestBackends, type TestQueues } from './testing/test-queues.ts'
import { waitUntil } from './testing/wait-until.ts'

describe.each(alertTestBackends)('alerts in Slack on $name', ({ db: backend, queue }) => {
  let t: TestDatabase
  let slack: SlackServer
  let queues: TestQueues
  let alerts: Alerts | undefined
  beforeAll(async () => {
    ;({ t, slack, queues } = await openAlertsSuite(backend, queue))
  })
  afterEach(async () => {
    await alerts?.close()
    alerts = undefined
  })
  afterAll(() => closeAlertsSuite({ slack, queues, t }))
  const start = (botToken: string | undefined = 'xoxb-test') => {
    alerts = startAlerts({
      db: t.db,
      slack: { ...(botToken ? { botToken } : {}), apiUrl: slack.apiUrl },
      paceMs: 20,
      groupWindowMs: 100,
      runPollMs: 50,
      // Long: these tests prove the nudge → job → next job path; the sweep has its own test.
      sweepMs: 60_000,
      queue: queues.location,
    })
    return alerts
  }

  it('posts one message for a failure, replies in its thread to the next, and resolves it in place', async () => {
    await seedProduct(t.db, { id: 'churn', owners: ['#churn-owners'], stakeholders: ['#churn-fans'] })
    await seedPipeline(t.db, { id: 'churn.score', productId: 'churn', alerts: [onFailure()] })
    const a = start()
    await seedRun(t.db, { pipelineId: 'churn.score', productId: 'churn', status: 'failed' })
    a.nudge()
    await waitUntil('the first message', () => slack.posts('#churn-owners').length === 1)
    const first = slack.posts('#churn-owners')[0]
    expect(first?.threadTs).toBeUndefined()
    expect(first?.text).toContain('churn.score failed')
    expect(slack.posts('#churn-fans')).toEqual([])

    await seedRun(t.db, { pipelineId: 'churn.score', productId: 'churn', status: 'failed' })
    a.nudge()
    await waitUntil('the thread reply', () => slack.posts('#churn-owners').length === 2)
    expect(slack.posts('#churn-owners')[1]?.threadTs).toBe(first?.ts)

    await seedRun(t.db, { pipelineId: 'churn.score', productId: 'churn', status: 'succeeded' })
    a.nudge()
    await waitUntil('the resolution', () => slack.posts('#churn-owners').length === 3)
    const updates = slack.updates()
    expect(updates).toHaveLength(1)
    expect(updates[0]?.ts).toBe(first?.ts)
    expect(updates[0]?.text).toContain('Resolved')
    expect(slack.posts('#churn-owners')[2]).toMatchObject({ threadTs: first?.ts })
    expect(slack.posts('#churn-owners')[2]?.text).toContain('Resolved')

    const incidents = await t.db.selectFrom('incidents').selectAll().execute()
    expect(incidents).toMatchObject([
      { status: 'resolved', fire_count: 2, subject_key: 'pipeline:churn.score' },
    ])
    // Slack has the third message; its outbox row is marked sent just after Slack answers.
    const readSent = () =>
      t.db.selectFrom('notifications').select(['kind', 'status', 'attempts']).orderBy('id').execute()
    await waitUntil('the resolution recorded as sent', async () =>
      (await readSent()).every((row) => row.status === 'sent'),
    )
    const sent = await readSent()
    expect(sent).toEqual([
      { kind: 'first', status: 'sent', attempts: 1 },
      { kind: 'follow_up', status: 'sent', attempts: 1 },
      { kind: 'resolved', status: 'sent', attempts: 1 },
    ])
    // A restart evaluates nothing twice: the cursor and the marks are in SQL.
    await a.close()
    const again = start()
    await again.evaluateNow()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(slack.posts('#churn-owners')).toHaveLength(3)
  })

  it('marks a notification failed on a permanent Slack error and tells the owners elsewhere', async () => {
    await seedProduct(t.db, { id: 'sales', owners: ['#sales-data', '#sales-oncall'] })
    await seedPipeline(t.db, {
      id: 'sales.load',
      productId: 'sales',
      // Only the step's alert, to the missing channel: the run's default failure alert is off.
      alerts: [onFailure(false), stepFailed({ notify: ['#sales-gone'] })],
    })
    slack.channelTrouble.set('#sales-gone', { error: 'channel_not_found' })
    start()
    await seedRun(t.db, {
      pipelineId: 'sales.load',
      productId: 'sales',
      status: 'failed',
      steps: { extract: 'failed' },
    })
    await waitUntil(
      'the owners told',
      () => slack.posts('#sales-data').length === 1 && slack.posts('#sales-oncall').length === 1,
    )
    expect(slack.posts('#sales-data')[0]?.text).toContain('could not post to #sales-gone (channel_not_found)')
    const failed = await t.db
      .selectFrom('notifications')
      .selectAll()
      .where('destination', '=', '#sales-gone')
      .execute()
    expect(failed).toMatchObject([{ status: 'failed', last_error: 'channel_not_found', kind: 'first' }])
  })

  it('without a Slack token, records and renders notifications and leaves them pending for a sender', async () => {
    await seedProduct(t.db, { id: 'quiet', owners: ['#quiet'] })
    await seedPipeline(t.db, { id: 'quiet.job', productId: 'quiet', alerts: [onFailure()] })
    start('')
    const before = slack.requests.length
    await seedRun(t.db, { pipelineId: 'quiet.job', productId: 'quiet', status: 'failed' })
    await waitUntil('the notification recorded', async () => {
      const rows = await t.db
        .selectFrom('notifications')
        .select('status')
        .where('destination', '=', '#quiet')
        .execute()
      return rows.length === 1 && rows[0]?.status === 'pending'
    })
    const row = await t.db
      .selectFrom('notifications')
      .select('payload')
      .where('destination', '=', '#quiet')
      .executeTakeFirstOrThrow()
    expect(row.payload.text).toContain('quiet.job failed')
    expect(row.payload.blocks.length).toBeGreaterThan(0)
    expect(slack.requests.length).toBe(before)
  })
})
