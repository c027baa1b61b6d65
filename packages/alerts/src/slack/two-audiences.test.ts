import type { TestDatabase } from '@steward/db/testing'
import { onFailure } from '@steward/pipelines/rules'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Alerts, startAlerts } from '../start-alerts.ts'
import { closeAlertsSuite, openAlertsSuite } from '../testing/alerts-suite.ts'
import { seedPipeline, seedProduct, seedRun } from '../testing/seed.ts'
import type { SlackRequest, SlackServer } from '../testing/slack-server.ts'
import { alertTestBackends, type TestQueues } from '../testing/test-queues.ts'
import { waitUntil } from '../testing/wait-until.ts'
import { handleSlackInteraction } from './interactivity.ts'
import { ackActionId, snoozeActionId } from './render.ts'
import { signSlackBody } from './verify-signature.ts'

const secret = 'audiences-signing-secret'
const webUrl = 'https://steward.example.com'

/** Everything a person reads in a message: the fallback text and every block's text. */
const shown = (request: SlackRequest | undefined) => `${request?.text}\n${JSON.stringify(request?.blocks)}`
const buttons = (request: SlackRequest | undefined) =>
  (request?.blocks as { type: string }[] | undefined)?.filter((b) => b.type === 'actions') ?? []

function press(actionId: string, value: string, channel: { id: string; name: string }): string {
  const payload = {
    type: 'block_actions',
    user: { id: 'U0ANA00001', username: 'ana' },
    channel,
    actions: [{ action_id: actionId, value }],
  }
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString()
}

// One database and one queue backend: what differs here is rendering and routing, not the queue.
describe.each(alertTestBackends.slice(0, 1))('owners and stakeholders on $name', ({ db: backend, queue }) => {
  let t: TestDatabase
  let slack: SlackServer
  let queues: TestQueues
  let alerts: Alerts
  beforeAll(async () => {
    ;({ t, slack, queues } = await openAlertsSuite(backend, queue))
    alerts = startAlerts({
      db: t.db,
      slack: { botToken: 'xoxb-test', apiUrl: slack.apiUrl },
      paceMs: 20,
      groupWindowMs: 50,
      runPollMs: 50,
      // The sweep finds what another process (the web app, taking a button press) committed.
      sweepMs: 100,
      queue: queues.location,
      webUrl,
    })
  })
  afterAll(() => closeAlertsSuite({ alerts: [alerts], slack, queues, t }))

  it('gives owners the technical message with mentions and buttons, and stakeholders a plain one; an acknowledgement, a snooze and the resolution edit both', async () => {
    await seedProduct(t.db, {
      id: 'funnel',
      name: 'Weekly signup funnel',
      owners: [
        { team: 'growth-data', slack: '#growth-data', mention: ['U024BE7LH', 'S0123ABCD'] },
        // Mentioned from warnings up: a critical failure mentions them too.
        { name: 'Quiet', slack: '#growth-data', mention: ['U0QUIET001'], mentionAt: 'warning' },
      ],
      stakeholders: ['#growth'],
    })
    await seedPipeline(t.db, {
      id: 'funnel.build',
      productId: 'funnel',
      alerts: [onFailure({ notify: ['owners', 'stakeholders'], runbook: 'https://wiki.example.com/funnel' })],
    })
    const lastGood = new Date(Date.now() - 3_600_000)
    await seedRun(t.db, {
      pipelineId: 'funnel.build',
      productId: 'funnel',
      status: 'succeeded',
      finishedAt: lastGood,
    })
    await alerts.evaluateNow()
    await seedRun(t.db, { pipelineId: 'funnel.build', productId: 'funnel', status: 'failed' })
    alerts.nudge()
    await waitUntil(
      'a message in each channel',
      () => slack.posts('#growth-data').length === 1 && slack.posts('#growth').length === 1,
    )
    const owners = slack.posts('#growth-data')[0]
    const stakeholders = slack.posts('#growth')[0]

    // Owners: what failed, the error, the run link, the runbook, buttons and mentions.
    expect(shown(owners)).toContain('funnel.build failed')
    expect(shown(owners)).toContain('STEP_FAILED: boom')
    expect(shown(owners)).toContain(`<${webUrl}/runs/`)
    expect(shown(owners)).toContain('https://wiki.example.com/funnel')
    expect(owners?.text).toMatch(/^<@U024BE7LH> <!subteam\^S0123ABCD> <@U0QUIET001> /)
    expect(buttons(owners)).toHaveLength(1)

    // Stakeholders: the product, since when, last good, the owners, no error, link, button or ping.
    const plain = shown(stakeholders)
    expect(plain).toContain('*Weekly signup funnel* is affected: funnel.build failed')
    expect(plain).toContain(`*Data last good:* ${lastGood.toISOString().slice(0, 16).replace('T', ' ')} UTC`)
    expect(plain).toContain('*Owned by:* growth-data, Quiet')
    expect(plain).toContain('The owners have not acknowledged it yet.')
    expect(plain).toContain('*Since:*')
    for (const absent of [
      'boom',
      'STEP_FAILED',
      '/runs/',
      'wiki.example.com',
      '<@',
      '<!subteam',
      'Acknowledge',
    ])
      expect(plain).not.toContain(absent)
    expect(buttons(stakeholders)).toEqual([])

    // A repeat replies in the owners' thread only.
    await seedRun(t.db, { pipelineId: 'funnel.build', productId: 'funnel', status: 'failed' })
    alerts.nudge()
    await waitUntil('the owners’ thread reply', () => slack.posts('#growth-data').length === 2)
    expect(slack.posts('#growth-data')[1]?.threadTs).toBe(owners?.ts)
    expect(slack.posts('#growth')).toHaveLength(1)

    // Acknowledge from the owners' channel: the first message of both channels says who and when.
    const incident = await t.db.selectFrom('incidents').select('id').executeTakeFirstOrThrow()
    const send = (body: string) => {
      const timestamp = String(Math.floor(Date.now() / 1000))
      return handleSlackInteraction(t.db, {
        signingSecret: secret,
        timestamp,
        signature: signSlackBody(secret, timestamp, body),
        rawBody: body,
      })
    }
    const ownersChannel = { id: 'CGROWTHDATA', name: 'growth-data' }
    // A press in the stakeholders' channel changes nothing.
    const refused = await send(press(ackActionId, incident.id, { id: 'CGROWTHXX', name: 'growth' }))
    expect(refused.body.text).toContain('Only the owners of Weekly signup funnel')
    expect((await send(press(ackActionId, incident.id, ownersChannel))).body.text).toBe('Acknowledged by ana')
    const updatesOf = (ts: string | undefined) => slack.updates().filter((u) => u.ts === ts)
    await waitUntil(
      'both first messages edited',
      () => updatesOf(owners?.ts).length === 1 && updatesOf(stakeholders?.ts).length === 1,
    )
    expect(shown(updatesOf(owners?.ts)[0])).toContain('Acknowledged by *ana* at')
    expect(buttons(updatesOf(owners?.ts)[0])).toHaveLength(1)
    expect(shown(updatesOf(stakeholders?.ts)[0])).toContain('Acknowledged by *ana* at')
    expect(buttons(updatesOf(stakeholders?.ts)[0])).toEqual([])

    // Snooze: until when, in both.
    await send(press(snoozeActionId, `${incident.id}|2h`, ownersChannel))
    await waitUntil(
      'both first messages edited again',
      () => updatesOf(owners?.ts).length === 2 && updatesOf(stakeholders?.ts).length === 2,
    )
    for (const ts of [owners?.ts, stakeholders?.ts])
      expect(shown(updatesOf(ts)[1])).toMatch(/Snoozed by \*ana\* until \d{4}-\d\d-\d\d \d\d:\d\d UTC/)

    // Resolved: both edited in place and told in their threads; the stakeholders in plain words.
    await seedRun(t.db, { pipelineId: 'funnel.build', productId: 'funnel', status: 'succeeded' })
    alerts.nudge()
    await waitUntil(
      'both resolved',
      () => slack.posts('#growth-data').length === 3 && slack.posts('#growth').length === 2,
    )
    expect(slack.posts('#growth')[1]).toMatchObject({ threadTs: stakeholders?.ts })
    expect(slack.posts('#growth')[1]?.text).toBe(
      'Weekly signup funnel is back to normal (funnel.build failed)',
    )
    expect(shown(updatesOf(stakeholders?.ts)[2])).toContain('is back to normal')
    expect(shown(updatesOf(owners?.ts)[2])).toContain('resolved')
    // Mentions leave the owners' message once resolved.
    expect(shown(updatesOf(owners?.ts)[2])).not.toContain('<@U024BE7LH>')
    const allNotes = () =>
      t.db.selectFrom('notifications').select(['destination', 'kind', 'status']).orderBy('id').execute()
    // Slack has a post before the sender records it as sent.
    await waitUntil('every notification recorded as sent', async () =>
      (await allNotes()).every((n) => n.status === 'sent'),
    )
    const notes = await allNotes()
    // Nothing twice: one first, one update per press, one resolution per channel.
    expect(notes.filter((n) => n.destination === '#growth').map((n) => n.kind)).toEqual([
      'first',
      'update',
      'update',
      'resolved',
    ])
  })
})
