import { migrateToLatest } from '@steward/db'
import type { TestDatabase } from '@steward/db/testing'
import { onFailure, stepFailed } from '@steward/pipelines/rules'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Alerts, startAlerts } from '../start-alerts.ts'
import { seedPipeline, seedProduct, seedRun, seedRuns } from '../testing/seed.ts'
import { channelIdOf, type SlackRequest, SlackServer } from '../testing/slack-server.ts'
import { alertTestBackends, TestQueues } from '../testing/test-queues.ts'
import { waitUntil } from '../testing/wait-until.ts'

const paceMs = 40
const groupWindowMs = 400
// Timers fire a little early or late; the server stamps arrival, not the send decision.
const slackMs = 8

describe.each(alertTestBackends)('Slack delivery under load on $name', ({ db: backend, queue }) => {
  let t: TestDatabase
  let slack: SlackServer
  let queues: TestQueues
  let alerts: Alerts | undefined
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
    queues = new TestQueues(queue, t)
  })
  afterEach(async () => {
    await alerts?.close()
    alerts = undefined
    await slack?.close()
    await t.db.deleteFrom('notifications').execute()
    await t.db.deleteFrom('alert_channels').execute()
  })
  afterAll(async () => {
    await queues?.dispose()
    await t?.dispose()
  })
  const start = () => {
    alerts = startAlerts({
      db: t.db,
      slack: { botToken: 'xoxb-test', apiUrl: slack.apiUrl },
      paceMs,
      groupWindowMs,
      backoff: { baseMs: 100, maxMs: 400 },
      concurrency: 25,
      runPollMs: 50,
      // Long: these tests prove the nudge → job → next job path; the sweep has its own test.
      sweepMs: 60_000,
      queue: queues.location,
    })
    return alerts
  }

  it('storm: 1,000 step failures across 50 products → one top-level message per channel and group window, all delivered, paced', async () => {
    slack = await SlackServer.start()
    const products = Array.from({ length: 50 }, (_, i) => `storm-${String(i).padStart(2, '0')}`)
    for (const id of products) {
      await seedProduct(t.db, { id, owners: [`#${id}`] })
      await seedPipeline(t.db, {
        id: `${id}.load`,
        productId: id,
        // Step failures only: the run's default failure alert is off.
        alerts: [onFailure(false), stepFailed()],
        steps: ['s0', 's1', 's2', 's3', 's4'],
      })
    }
    const a = start()
    // 20 failing runs per product, each failing one of five steps, arriving in ten waves.
    for (let wave = 0; wave < 10; wave++) {
      await seedRuns(
        t.db,
        products.flatMap((id) =>
          [0, 1].map((k) => ({
            pipelineId: `${id}.load`,
            productId: id,
            status: 'failed' as const,
            steps: { [`s${(wave * 2 + k) % 5}`]: 'failed' as const },
          })),
        ),
      )
      a.nudge()
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await waitUntil(
      'every notification delivered',
      async () => {
        const left = await t.db
          .selectFrom('notifications')
          .select('id')
          .where('status', '!=', 'sent')
          .execute()
        const incidents = await t.db
          .selectFrom('incidents')
          .select('fire_count')
          .where('rule_kind', '=', 'step-failed')
          .execute()
        return left.length === 0 && incidents.reduce((sum, i) => sum + i.fire_count, 0) === 1000
      },
      // Behaviour, not speed (npm run bench:alerts measures that): generous for a loaded machine.
      240_000,
    )
    const incidents = await t.db
      .selectFrom('incidents')
      .selectAll()
      .where('rule_kind', '=', 'step-failed')
      .execute()
    expect(incidents).toHaveLength(250)
    for (const id of products) {
      const requests = slack.requests.filter((r) => r.channelId === channelIdOf(`#${id}`))
      assertPaced(requests, paceMs)
      const topLevel = requests.filter((r) => r.method === 'chat.postMessage' && r.threadTs === undefined)
      assertPaced(topLevel, groupWindowMs)
      // Every incident of the product is listed in exactly one top-level message.
      for (const incident of incidents.filter((i) => i.product_id === id)) {
        const listing = topLevel.filter((r) => JSON.stringify(r.blocks).includes(incident.title))
        expect(listing, incident.title).toHaveLength(1)
      }
    }
    const firsts = await t.db
      .selectFrom('notifications')
      .select(['slack_ts', 'incident_id'])
      .where('kind', '=', 'first')
      .execute()
    expect(firsts).toHaveLength(250)
    expect(firsts.every((n) => n.slack_ts !== null)).toBe(true)
  }, 300_000)

  it('outage: 500s, then 429 with Retry-After → all delivered afterwards, in order per channel, none twice', async () => {
    slack = await SlackServer.start()
    const products = ['out-a', 'out-b', 'out-c']
    for (const id of products) {
      await seedProduct(t.db, { id, owners: [`#${id}`] })
      await seedPipeline(t.db, { id: `${id}.load`, productId: id, alerts: [onFailure()] })
    }
    slack.trouble = { status: 500 }
    const a = start()
    for (const status of ['failed', 'failed', 'succeeded', 'failed'] as const) {
      for (const id of products) await seedRun(t.db, { pipelineId: `${id}.load`, productId: id, status })
      a.nudge()
      await new Promise((resolve) => setTimeout(resolve, 150))
    }
    await new Promise((resolve) => setTimeout(resolve, 900))
    slack.trouble = { status: 429, retryAfterS: 1 }
    await new Promise((resolve) => setTimeout(resolve, 1200))
    slack.trouble = undefined
    await waitUntil(
      'everything delivered after the outage',
      async () =>
        (await t.db.selectFrom('notifications').select('id').where('status', '!=', 'sent').execute())
          .length === 0,
      30_000,
    )
    expect(slack.refused.some((r) => r.status === 500)).toBe(true)
    expect(slack.refused.some((r) => r.status === 429)).toBe(true)
    const rows = await t.db.selectFrom('notifications').selectAll().orderBy('id').execute()
    // The repeat during the outage is folded into the first message (it shows the count), then
    // resolved (update + reply), then a new incident's first: per channel.
    expect(rows).toHaveLength(products.length * 3)
    for (const id of products) {
      const mine = rows.filter((n) => n.destination === `#${id}`)
      expect(mine.map((n) => n.kind)).toEqual(['first', 'resolved', 'first'])
      expect(mine.every((n) => n.attempts >= 1)).toBe(true)
      const posts = slack.posts(`#${id}`)
      // None twice: one Slack post per notification, in the order they were queued.
      expect(posts.map((p) => p.ts)).toEqual(mine.map((n) => n.slack_ts))
      expect(slack.updates().filter((u) => u.channelId === channelIdOf(`#${id}`))).toHaveLength(1)
      // Retry-After honoured: nothing reached the channel sooner than a second after its last 429.
      const last429 = Math.max(
        ...slack.refused
          .filter((r) => r.status === 429 && channelIdOf(r.channel) === channelIdOf(`#${id}`))
          .map((r) => r.at),
        0,
      )
      const after = slack.requests.filter((r) => r.channelId === channelIdOf(`#${id}`) && r.at > last429)
      if (last429 > 0)
        expect(Math.min(...after.map((r) => r.at)) - last429).toBeGreaterThanOrEqual(1000 - slackMs)
    }
  }, 60_000)
})

function assertPaced(requests: readonly SlackRequest[], minGapMs: number): void {
  for (let i = 1; i < requests.length; i++) {
    const gap = (requests[i]?.at ?? 0) - (requests[i - 1]?.at ?? 0)
    expect(gap, `gap before request ${i} to ${requests[i]?.channel}`).toBeGreaterThanOrEqual(
      minGapMs - slackMs,
    )
  }
}
